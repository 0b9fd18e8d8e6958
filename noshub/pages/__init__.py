"""The page contract that every app's pages follow, and the one place errors become responses.

A page view returns a `Page`: a template and a context. `page_view` renders it as HTML, or, for
the same URL with ``.json`` (or ``Accept: application/json``), serves that same context as JSON;
the HTML names its twin in a ``Link: <….json>; rel="alternate"`` header. `page_path` declares
both URLs at once. `noshub.pages.errors` maps the core's error hierarchy
(`noshub.core.errors`) to the documented JSON error shape and to branded error pages in English
and Welsh. `noshub.pages.jsonbody` reads every JSON request body: parsed with limits and
checked against the endpoint's JSON Schema, or a 400 naming the JSON path.
`noshub.pages.writebehind` is the write-behind buffer apps note rows in on a request's path
(written in one go after responses; kept on a database error).

This package sits just above the core: apps import it; it imports no app.
"""

from .contract import Page, page_path, page_view, wants_json

__all__ = ["Page", "page_path", "page_view", "wants_json"]
