"""The app's flows, independent of HTTP: each module takes `Services` and a `Caller` and returns
plain data or raises a `FlowError` (cozelite/flows/errors.py).

- context.py: `Caller`, the tenant of a request.
- services.py: `Services`, the open providers, the parsers and the flow settings.
- metadata/: the app's own tables (MySQL DDL files) and `ensure_schema`.
- users.py: users and API keys.
- databases.py, user_sql.py: user databases (tables, records, SQL through the compiler).
- variables.py: per-user variables in the kv provider.
- files.py: per-user files in the blob provider.
"""
