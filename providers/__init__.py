"""The providers: Coze Studio's infrastructure areas (kv, mq, blob, db, search), each opened by URI.

Per area (Go CDK's shape): `providers/<area>/contract.py` is the portable class every caller uses, a
`providers.portable.Portable` subclass that owns argument checks, the closed state, error wrapping
(`providers.errors`) and metrics; `providers/<area>/driver.py` is the small protocol an
implementation fills; `providers/<area>/<implementation>.py` holds a driver and its opener,
registered on the area's `providers.registry.SchemeRegistry` (`open_<area>(uri)`).
"""
