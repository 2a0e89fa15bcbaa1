"""The compliance workflow: the counterparty register, monitoring, alerts and decisions."""
