"""Equipment exposure: find covered video-surveillance and telecom gear in a fleet and price it.

NDAA Section 889 and the FCC Covered List name five makers (Huawei, ZTE,
Hytera, Hikvision, Dahua) and their subsidiaries and affiliates; much of their
equipment is sold under other brands. This package identifies the likely
actual maker of each device from independent signals (the IEEE registrant of
its MAC address, its model number, its label, and network fingerprints when
discovered), keeps the evidence and the grade of every fact behind a flag, and
prices the replacement.

Layout: ``reference`` (the facts, with source and grade), ``oui`` (the IEEE
MAC registry), ``identify`` (pure classification), ``inventory`` (importing
users' exports), ``discover`` (opt-in network discovery inside one CIDR),
``suppliers`` (screening suppliers and makers), ``report`` (HTML, CSV, XLSX,
PDF).
"""
