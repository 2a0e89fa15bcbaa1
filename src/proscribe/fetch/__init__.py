"""Fetching official list files from their publishers (``proscribe lists update``)."""
