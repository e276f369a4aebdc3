"""Storage: schema, migrations and the Store interface (SQLite by default)."""

from vigil.store.store import Store, open_store, store_url

__all__ = ["Store", "open_store", "store_url"]
