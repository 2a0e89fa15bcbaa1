"""The HTTP API service: screening, yente-compatible matching, lists, alerts and parties, over API keys.

Start it with ``proscribe serve``; build it in-process with
``proscribe.api.app.create_app``. Nothing is imported here, so the CLI's key
commands do not pay for loading the web framework.
"""
