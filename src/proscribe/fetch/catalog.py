"""The official lists proscribe knows how to fetch, and from where.

URLs are the publishers' own (see the project's list-source notes). A list
whose download needs a per-user token (the EU files) or a chosen dataset
(OpenSanctions) takes it from the environment and is fetched only when named.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

OFAC_EXPORTS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports"


@dataclass(frozen=True, slots=True)
class RemoteFile:
    filename: str  # the name the file is saved under (what the format recognises)
    url: str


@dataclass(frozen=True, slots=True)
class SourceInfo:
    key: str
    title: str
    publisher: str
    files: tuple[RemoteFile, ...]
    default: bool = True  # fetched by a bare `proscribe lists update`


def _ofac(names: tuple[str, ...]) -> tuple[RemoteFile, ...]:
    return tuple(RemoteFile(name.lower(), f"{OFAC_EXPORTS}/{name}") for name in names)


def catalog() -> dict[str, SourceInfo]:
    """Every known source, with URLs resolved from the environment where one is needed."""
    sources = [
        SourceInfo(
            "us_ofac_sdn",
            "OFAC Specially Designated Nationals (SDN)",
            "US Treasury OFAC",
            _ofac(("SDN.CSV", "ADD.CSV", "ALT.CSV", "SDN_COMMENTS.CSV")),
        ),
        SourceInfo(
            "us_ofac_cons",
            "OFAC consolidated non-SDN lists (SSI, FSE, NS-MBS, NS-CMIC, CAPTA, NS-PLC)",
            "US Treasury OFAC",
            _ofac(("CONS_PRIM.CSV", "CONS_ADD.CSV", "CONS_ALT.CSV", "CONS_COMMENTS.CSV")),
        ),
        SourceInfo(
            "us_trade_csl",
            "Consolidated Screening List",
            "US trade.gov (Commerce, State, Treasury)",
            (
                RemoteFile(
                    "consolidated.csv",
                    "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",
                ),
            ),
        ),
        SourceInfo(
            "un_sc",
            "UN Security Council Consolidated List",
            "United Nations",
            (RemoteFile("consolidated.xml", "https://scsanctions.un.org/resources/xml/en/consolidated.xml"),),
        ),
        SourceInfo(
            "uk_fcdo",
            "UK Sanctions List",
            "UK Foreign, Commonwealth & Development Office",
            (RemoteFile("UK-Sanctions-List.csv", "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv"),),
        ),
    ]
    eu_url = os.environ.get("PROSCRIBE_EU_FSF_URL")
    if eu_url:  # the EU download URL carries a per-user token from the EU FSF site
        sources.append(
            SourceInfo(
                "eu_fsf",
                "EU Financial Sanctions Files",
                "European Commission",
                (RemoteFile("xmlFullSanctionsList_1_1.xml", eu_url),),
                default=False,
            )
        )
    dataset = os.environ.get("PROSCRIBE_OPENSANCTIONS_DATASET", "sanctions")
    sources.append(
        SourceInfo(
            "opensanctions",
            f"OpenSanctions dataset {dataset!r}",
            "OpenSanctions",
            (
                RemoteFile(
                    "entities.ftm.json", f"https://data.opensanctions.org/datasets/latest/{dataset}/entities.ftm.json"
                ),
            ),
            default=False,
        )
    )
    return {source.key: source for source in sources}
