"""The HTTP service (``casework serve``): an ASGI application (Starlette) over the same engine
and database as the CLI, for the systems that register and follow applications (the service
centre's intake, the online platform) and for the applicants' progress lookup.

Small modules by job: ``app`` assembles the application, ``resources`` the case and letter
routes, ``auth`` the API keys, ``bodies`` the checks on request bodies, ``problems`` the RFC 9457
error answers, ``status`` the applicants' lookup, ``feed`` the events feed, ``health`` the
health check, ``schemas`` the JSON Schemas of the bodies, ``openapi`` the OpenAPI 3.1 document
over them, ``logs`` the request log, ``config`` the settings, ``run`` uvicorn. docs/http.md
describes the service.
"""
