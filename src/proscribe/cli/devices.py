"""``proscribe devices``: equipment exposure (NDAA 889, FCC Covered List) in a fleet.

import an inventory, refresh the MAC registry, discover devices on one's own
network, screen suppliers, and report the exposure with its evidence and cost.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import typer
from rich.table import Table

from proscribe.cli.app import AppContext, context, print_json, stderr, stdout
from proscribe.equipment.device import Device, Identification, Status
from proscribe.equipment.discover import DISCOVERY_COLUMNS, Options, describe, parse_ports, run_discovery
from proscribe.equipment.identify import identify_all
from proscribe.equipment.inventory import InventoryError, parse_cost, parse_mapping, read_inventory
from proscribe.equipment.netio import DiscoveryError
from proscribe.equipment.oui import OuiUpdateError, load_registry, update_registry
from proscribe.equipment.reference import load_reference
from proscribe.equipment.report import FORMATS, summarize, write_report
from proscribe.equipment.store import count_devices, list_inventories, load_devices, save_inventory
from proscribe.equipment.suppliers import PartyFinding, Screen, engine_screen, screen_parties
from proscribe.errors import UserError

app = typer.Typer(no_args_is_help=True, help="Equipment exposure: covered video-surveillance and telecom gear.")


def _user_error(error: Exception) -> UserError:
    return UserError(str(error))


@app.command("import")
def import_command(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="Inventory export: CSV or XLSX."),
    mapping: list[str] = typer.Option(
        [],
        "--map",
        help="FIELD=COLUMN for a column the usual names miss (fields: brand, model, mac, serial,"
        " firmware, ip, site, device_type, purchase_date, unit_cost, supplier).",
    ),
    append: bool = typer.Option(False, "--append", help="Add to the imported inventory instead of replacing it."),
    date_format: str | None = typer.Option(None, "--date-format", help="strptime format of purchase dates."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Import a fleet inventory (all rows or nothing: a bad row stops the import and names the row)."""
    try:
        explicit = parse_mapping(mapping, path)
        inventory = read_inventory(path, explicit, date_format)
    except InventoryError as error:
        raise _user_error(error) from error
    app_ctx = context(ctx)
    replace = () if append else ("import",)
    inventory_id = save_inventory(
        app_ctx.engine, path.name, "import", inventory.columns, inventory.mapping, inventory.devices, replace
    )
    unmapped = [c for c in inventory.columns if c not in inventory.mapping.values()]
    summary = {
        "inventory": inventory_id,
        "file": str(path),
        "devices": len(inventory.devices),
        "mapping": inventory.mapping,
        "unmapped_columns": unmapped,
        "total_devices": count_devices(app_ctx.engine),
    }
    if as_json:
        print_json(summary)
        return
    mapped = ", ".join(f"{field}<-{column!r}" for field, column in inventory.mapping.items())
    stdout.print(f"imported {len(inventory.devices):,} devices from {path.name} ({mapped})")
    if unmapped:
        stdout.print(f"kept as the inventory's own columns: {', '.join(unmapped)}")


@app.command("update-oui")
def update_oui_command(
    ctx: typer.Context,
    mirror: str | None = typer.Option(None, "--mirror", help="Base URL of a mirror serving IEEE's paths."),
    timeout: float = typer.Option(60.0, "--timeout", help="Seconds per request."),
) -> None:
    """Download the IEEE MAC registry (MA-L, MA-M, MA-S) into the proscribe home; used from then on."""
    home = context(ctx).settings.home
    try:
        updated = update_registry(home, mirror, timeout)
    except OuiUpdateError as error:
        raise UserError(f"{error}; the registry in use is unchanged") from error
    for item in updated:
        stdout.print(f"{item.registry}: {item.rows:,} assignments from {item.url}")
    stdout.print(f"registry now: {load_registry(home).origin}")


@app.command("discover")
def discover_command(
    ctx: typer.Context,
    network: str = typer.Option(..., "--network", help="Your own network as a CIDR, e.g. 192.168.10.0/24."),
    ports: list[str] = typer.Option(
        [], "--ports", help="Ports to probe: http=80,8080 rtsp=554 wsd=3702 dahua=37777 (empty turns one off)."
    ),
    timeout: float = typer.Option(2.0, "--timeout", help="Seconds per request."),
    concurrency: int = typer.Option(64, "--concurrency", help="Hosts probed at once."),
    max_hosts: int = typer.Option(4096, "--max-hosts", help="Refuse networks with more addresses than this."),
    username: str | None = typer.Option(None, "--username", help="Device account for ONVIF/ISAPI (optional)."),
    password: str | None = typer.Option(None, "--password", envvar="PROSCRIBE_DEVICE_PASSWORD", show_default=False),
    save: bool = typer.Option(False, "--save", help="Keep the devices found as the discovery inventory."),
    as_json: bool = typer.Option(False, "--json", help="Print the devices found as JSON."),
) -> None:
    """Find and identify cameras and recorders inside one CIDR of your own network (never beyond it)."""
    try:
        options = Options(parse_ports(ports), timeout, concurrency, username, password)
        found = run_discovery(network, options, max_hosts)
    except DiscoveryError as error:
        raise _user_error(error) from error
    app_ctx = context(ctx)
    verdicts = identify_all(found, load_reference(), load_registry(app_ctx.settings.home))
    if save:
        save_inventory(
            app_ctx.engine, f"discovery {network}", "discovery", DISCOVERY_COLUMNS, {}, found, ("discovery",)
        )
    if as_json:
        print_json([_device_json(d, v) for d, v in zip(found, verdicts, strict=True)])
        return
    table = Table("IP", "Device", "Maker", "Status", "Conf.", "Seen")
    for device, verdict in zip(found, verdicts, strict=True):
        seen = ", ".join(sorted({f.kind for f in device.fingerprints}))
        table.add_row(
            device.ip, describe(device), verdict.maker, verdict.status.value, f"{verdict.confidence:.2f}", seen
        )
    stdout.print(table)
    stderr.print(f"{len(found)} device(s) answered in {network}" + ("; saved" if save else ""))


def _device_json(device: Device, verdict: Identification) -> dict[str, object]:
    return {
        "ip": device.ip,
        "mac": device.mac,
        "brand": device.brand,
        "model": device.model,
        "serial": device.serial,
        "firmware": device.firmware,
        "fingerprints": [[f.kind, f.value] for f in device.fingerprints],
        "maker": verdict.maker,
        "status": verdict.status.value,
        "rules": list(verdict.rules),
        "confidence": verdict.confidence,
        "evidence": [e.text() for e in verdict.evidence],
    }


def _cost_table(costs: list[str], table_file: Path | None) -> dict[str, Decimal]:
    table: dict[str, Decimal] = {}
    rows: list[tuple[str, str, str]] = []
    if table_file is not None:
        if not table_file.is_file():
            raise UserError(f"{table_file}: no such file")
        with table_file.open(encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.reader(handle), start=1):
                if number == 1 and row and row[0].strip().lower() in ("device_type", "device type", "type"):
                    continue
                if len(row) >= 2:
                    rows.append((row[0], row[1], f"{table_file.name}: row {number}"))
    rows += [(c.partition("=")[0], c.partition("=")[2], f"--cost {c!r}") for c in costs]
    for device_type, amount, where in rows:
        try:
            value = parse_cost(amount)
        except ValueError:
            raise UserError(f"{where}: cost {amount!r} is not a number") from None
        if not device_type.strip() or value is None:
            raise UserError(f"{where}: use DEVICE_TYPE=COST (or *=COST for any type)")
        table[device_type.strip()] = value
    return table


def _screen(app_ctx: AppContext, enabled: bool) -> tuple[Screen | None, str]:
    """The screening engine over the loaded lists, or None with the reason."""
    if not enabled:
        return None, "Suppliers and labels were checked against the reference facts only (--no-screen)."
    from proscribe.screening import load_index
    from proscribe.store.queries import current_edition_ids

    with app_ctx.engine.connect() as connection:
        editions = current_edition_ids(connection)
    if not editions:
        note = "No lists are imported: suppliers and labels were checked against the reference facts only."
        return None, note
    from proscribe.match import Screener

    index, _status = load_index(app_ctx.settings, app_ctx.engine)
    sources = ", ".join(sorted(editions))
    return engine_screen(Screener(index)), f"Suppliers and labels were screened against: {sources}."


def _parties(app_ctx: AppContext, devices: list[Device], enabled: bool) -> tuple[list[PartyFinding], str]:
    screen, note = _screen(app_ctx, enabled)
    return screen_parties(devices, load_reference(), screen), note


@app.command("report")
def report_command(
    ctx: typer.Context,
    report_format: str = typer.Option("html", "--format", help=f"One of {', '.join(FORMATS)}."),
    output: Path = typer.Option(..., "--output", help="File to write."),
    costs: list[str] = typer.Option([], "--cost", help="DEVICE_TYPE=COST for devices without a unit cost; *=COST."),
    cost_table: Path | None = typer.Option(None, "--cost-table", help="CSV of device_type,unit_cost."),
    currency: str = typer.Option("", "--currency", help="Currency label for costs, e.g. USD."),
    no_screen: bool = typer.Option(False, "--no-screen", help="Do not screen suppliers against the lists."),
) -> None:
    """Report the fleet's exposure: totals by site, maker, rule and type, replacement cost, evidence."""
    if report_format not in FORMATS:
        raise UserError(f"unknown report format {report_format!r}; use one of {', '.join(FORMATS)}")
    if output.parent and not output.parent.exists():
        raise UserError(f"{output.parent}: no such folder")
    table = _cost_table(costs, cost_table)
    app_ctx = context(ctx)
    columns, devices = load_devices(app_ctx.engine)
    if not devices:
        raise UserError("no devices: import an inventory first (proscribe devices import FILE)")
    registry = load_registry(app_ctx.settings.home)
    reference = load_reference()
    verdicts = identify_all(devices, reference, registry)
    parties, note = _parties(app_ctx, devices, not no_screen)
    summary = summarize(
        devices,
        verdicts,
        reference,
        generated_at=datetime.now(UTC),
        registry_origin=registry.origin,
        inventories=[i.name for i in list_inventories(app_ctx.engine)],
        cost_table=table,
        currency=currency,
        parties=parties,
        screening_note=note,
    )
    write_report(summary, columns, report_format, output)
    stderr.print(
        f"{summary.total:,} devices: {summary.flagged:,} flagged"
        f" ({summary.counts[Status.COVERED]:,} covered); report written to {output}"
    )


@app.command("suppliers")
def suppliers_command(
    ctx: typer.Context,
    no_screen: bool = typer.Option(False, "--no-screen", help="Reference facts only; do not screen the lists."),
    as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
) -> None:
    """Screen the inventory's suppliers and labels: covered makers' subsidiaries, brands, listed parties."""
    app_ctx = context(ctx)
    _columns, devices = load_devices(app_ctx.engine)
    if not devices:
        raise UserError("no devices: import an inventory first (proscribe devices import FILE)")
    findings, note = _parties(app_ctx, devices, not no_screen)
    if as_json:
        print_json({"note": note, "parties": [_party_json(f) for f in findings]})
        return
    table = Table("Name", "Role", "Devices", "Covered maker", "Relation", "Lists")
    for finding in findings:
        if not finding.flagged:
            continue
        listed = "; ".join(f"{m.caption} ({m.source} {m.score:.2f})" for m in finding.list_matches)
        relation = f"{finding.relation} [{finding.grade}]" if finding.relation else ""
        table.add_row(finding.name, finding.role, f"{finding.devices:,}", finding.maker, relation, listed)
    stdout.print(table)
    stderr.print(note)


def _party_json(finding: PartyFinding) -> dict[str, object]:
    return {
        "name": finding.name,
        "role": finding.role,
        "devices": finding.devices,
        "flagged": finding.flagged,
        "maker": finding.maker,
        "relation": finding.relation,
        "grade": finding.grade,
        "source": finding.source,
        "list_matches": [
            {"source": m.source, "caption": m.caption, "score": m.score, "programs": list(m.programs)}
            for m in finding.list_matches
        ],
    }
