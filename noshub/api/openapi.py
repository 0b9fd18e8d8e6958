"""The OpenAPI 3.1 description of the public API, served at /api/v1/openapi.json."""

from __future__ import annotations

from noshub import __version__
from noshub.cleansing.schemas import COVERED_DRAFT, DECISION
from noshub.lifecycle.schemas import ADVANCE, COMMENT, RESPOND
from noshub.soc.schemas import SOC_ACCEPT, SOC_DECISION
from noshub.themes.declared import THEME_SLUGS, THEMES
from noshub.themes.schemas import MAP_EDIT, OUTLINE, PLACEMENT, REACH_DECISION

_ERROR = {"$ref": "#/components/responses/Error"}

# The site's JSON write endpoints (outside /api/v1): each body's schema is the one the view
# validates against (noshub.pages.jsonbody), shown here as it is.
# path -> (body schema, summary, operationId, success status, needs a signed-in user)
_WRITES = {
    "/cleansing/covered.json": (COVERED_DRAFT, "Existing NOS and statements that already cover a draft", "covered", "200", False),
    "/cleansing/decisions/": (DECISION, "Record or reverse a decision about a duplicate NOS", "decideDuplicate", "201", True),
    "/soc/decisions.json": (SOC_DECISION, "Record a SOC 2020 review decision", "decideSoc", "201", True),
    "/soc/accept.json": (SOC_ACCEPT, "Confirm, in bulk, first suggestions above a confidence", "acceptSoc", "200", True),
    "/lifecycle/projects/{pk}/advance.json": (ADVANCE, "Move a project to its next stage", "advanceProject", "200", True),
    "/lifecycle/projects/{pk}/respond.json": (RESPOND, "A nation's response to an approval", "respondToApproval", "200", True),
    "/lifecycle/projects/{pk}/comments/new.json": (COMMENT, "Comment on an open consultation", "commentOnDraft", "201", False),
    "/themes/reach/{urn}/decide": (REACH_DECISION, "Confirm or change a NOS's reach class", "decideReach", "201", True),
    "/themes/maps/import": (OUTLINE, "Import a functional map outline as a new version", "importMap", "201", True),
    "/themes/maps/{slug}/place": (
        PLACEMENT,
        "Confirm, move or remove a NOS's placement on a functional map's latest version",
        "placeOnMap",
        "201",
        True,
    ),
    "/themes/maps/{slug}/edit": (MAP_EDIT, "Change a functional map's outline, as a new version", "editMap", "201", True),
}
BODY_SCHEMAS = [COVERED_DRAFT, DECISION, SOC_DECISION, SOC_ACCEPT, ADVANCE, RESPOND, COMMENT]
BODY_SCHEMAS += [REACH_DECISION, OUTLINE, PLACEMENT, MAP_EDIT]
# The path parameters of the write endpoints: name -> (description, schema, example)
_PATH_PARAMS = {
    "pk": ("Project id", {"type": "integer"}, None),
    "urn": ("A NOS's URN in any form", {"type": "string"}, "CFAMLD2"),
    "slug": ("A functional map's slug", {"type": "string", "pattern": "^[a-z0-9-]+$"}, "management-leadership"),
}


def _write_paths(server: str) -> dict:
    paths = {}
    for route, (body, summary, operation, ok, signed_in) in _WRITES.items():
        description = "A JSON body that is not valid against the schema is a 400 whose `parameter` is the JSON path."
        if signed_in:
            description += " Needs a signed-in user with the role, and the session's CSRF token."
        paths[route] = {
            "servers": [{"url": server or "/"}],
            "post": {
                "summary": summary,
                "description": description,
                "operationId": operation,
                "parameters": [
                    _param(name, description, schema, True, "path", example)
                    for name, (description, schema, example) in _PATH_PARAMS.items()
                    if f"{{{name}}}" in route
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body.name}"}}},
                },
                "responses": {
                    ok: {"description": "Done", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "400": _ERROR,
                    **({"403": _ERROR} if signed_in else {}),
                    "404": _ERROR,
                },
            },
        }
    return paths


def _param(name: str, description: str, schema: dict, required: bool = False, where: str = "query", example=None) -> dict:
    param = {"name": name, "in": where, "required": required, "description": description, "schema": schema}
    if example is not None:
        param["example"] = example
    return param


# A search parameter given empty (`sort=`) means its default, as an HTML form sends it: its enum
# holds "" so that the document says what the API does; a number given empty likewise (`_or_empty`).


def _or_empty(schema: dict) -> dict:
    """A number's schema, or an empty value (its default, as an HTML form's empty field sends it)."""
    number = {k: v for k, v in schema.items() if k != "default"}
    either = {"anyOf": [number, {"type": "string", "maxLength": 0}]}
    return either if "default" not in schema else {**either, "default": schema["default"]}


def openapi_document(server: str) -> dict:
    fmt = _param("format", "Response format", {"type": "string", "enum": ["json", "csv"], "default": "json"})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "NOS Hub API",
            "version": f"1 ({__version__})",
            "description": "Read-only access to the UK's National Occupational Standards: search with facets, NOS with their "
            "version history, suites, developers and the SOC 2020 tree. Anonymous; rate limited per client "
            "(HTTP 429 with Retry-After). Errors share one shape.",
            "license": {"name": "Open Government Licence v3 (SOC data); NOS content as published"},
        },
        "servers": [{"url": f"{server}/api/v1"}],
        "paths": {
            "/search": {
                "get": {
                    "summary": "Search NOS",
                    "operationId": "search",
                    "parameters": [
                        _param("q", 'Words, "phrases", prefix*, a URN or a job title', {"type": "string", "maxLength": 500}, example="chef"),
                        _param(
                            "validity",
                            "Validity filter",
                            {"type": "string", "enum": ["current", "legacy", "archive", "all", ""], "default": "current"},
                        ),
                        _param("suite", "Suite name", {"type": "string"}),
                        _param("developer", "Developing organisation", {"type": "string"}),
                        _param(
                            "category", "NOS category", {"type": "string", "enum": ["core", "generic", "job_specific", "none", ""]}
                        ),
                        _param("soc", "SOC 2020 group at any level", {"type": "string", "pattern": "^[0-9]{1,4}$"}, example="5434"),
                        _param("year", "Approval year", _or_empty({"type": "integer", "minimum": 1900, "maximum": 2100})),
                        _param(
                            "sort", "Order", {"type": "string", "enum": ["relevance", "title", "date", "evidence", ""], "default": "relevance"}
                        ),
                        _param(
                            "provenance",
                            "Only NOS whose best SOC 2020 code under `soc` was confirmed by a reviewer, crosswalked from the "
                            "catalogue's SOC 2010 code, or suggested by the coder",
                            {"type": "string", "enum": ["confirmed", "crosswalk", "suggested", ""]},
                        ),
                        _param(
                            "min_confidence",
                            "Only NOS whose best SOC 2020 code under `soc` is at least this confident (confirmed and "
                            "crosswalked codes are 1)",
                            _or_empty({"type": "number", "minimum": 0, "maximum": 1, "default": 0}),
                        ),
                        _param(
                            "reach",
                            "Only NOS of this reach class (in force: a person's decision, else the latest themes build); "
                            "facets.reach counts them",
                            {"type": "string", "enum": ["pan_sector", "multi_sector", "job_specific", ""]},
                        ),
                        _param(
                            "theme",
                            "Only NOS of this pan-sector theme: its reference NOS and the NOS that embed one; facets.theme counts them",
                            {"type": "string", "enum": [*THEME_SLUGS, ""]},
                        ),
                        _param(
                            "behaviour",
                            "Only NOS that evidence this work behaviour (its slug, as in /behaviours); facets.behaviour counts them",
                            {"type": "string", "pattern": "^([a-z0-9][a-z0-9-]{0,119})?$"},
                        ),
                        _param("page", "Page number", _or_empty({"type": "integer", "minimum": 1, "maximum": 10000, "default": 1})),
                        _param("per_page", "Results per page", _or_empty({"type": "integer", "minimum": 1, "maximum": 100, "default": 20})),
                        _param("mode", "Ranking", {"type": "string", "enum": ["hybrid", "keyword", ""], "default": "hybrid"}),
                        _param(
                            "copies",
                            "Duplicates: one result per duplicate group (collapse; its copies listed in `duplicates`) or every copy (all)",
                            {"type": "string", "enum": ["collapse", "all", ""], "default": "collapse"},
                        ),
                        _param(
                            "group",
                            "Only the copies of one duplicate group (its key, as in a result's `duplicates.group`); shows every copy",
                            {"type": "string", "pattern": "^([0-9a-f]{40})?$"},
                        ),
                        fmt,
                    ],
                    "responses": {
                        "200": {
                            "description": "Results with facet counts",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/SearchResult"}},
                                "text/csv": {"schema": {"type": "string"}},
                            },
                        },
                        "400": _ERROR,
                        "429": _ERROR,
                    },
                }
            },
            "/nos/{urn}": {
                "get": {
                    "summary": "A NOS: current version in the full template, and its history",
                    "operationId": "getNos",
                    "parameters": [
                        _param(
                            "urn",
                            "URN in any form (CFAM&LAA1, cfam_laa1) or a variant slug (SFSCSH8~2)",
                            {"type": "string"},
                            True,
                            "path",
                            "LANACT3",
                        )
                    ],
                    "responses": {
                        "200": {
                            "description": "The NOS",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Nos"}}},
                        },
                        "404": _ERROR,
                        "429": _ERROR,
                    },
                }
            },
            "/nos/{urn}.jsonld": {
                "get": {
                    "summary": "A NOS as JSON-LD (CTDL-ASN CompetencyFramework with its Competencies)",
                    "operationId": "getNosJsonLd",
                    "parameters": [_param("urn", "URN", {"type": "string"}, True, "path", "LANACT3")],
                    "responses": {
                        "200": {"description": "JSON-LD", "content": {"application/ld+json": {"schema": {"type": "object"}}}},
                        "404": _ERROR,
                        "429": _ERROR,
                    },
                }
            },
            "/suites": {
                "get": {
                    "summary": "Suites with their number of NOS",
                    "operationId": "listSuites",
                    "parameters": [fmt],
                    "responses": {
                        "200": {
                            "description": "Suites",
                            "content": {
                                "application/json": {"schema": {"type": "object"}},
                                "text/csv": {"schema": {"type": "string"}},
                            },
                        },
                        "400": _ERROR,
                        "429": _ERROR,
                    },
                }
            },
            "/suites/{id}": {
                "get": {
                    "summary": "The NOS of a suite",
                    "operationId": "getSuite",
                    "parameters": [_param("id", "Suite id", {"type": "integer"}, True, "path"), fmt],
                    "responses": {
                        "200": {
                            "description": "Suite",
                            "content": {
                                "application/json": {"schema": {"type": "object"}},
                                "text/csv": {"schema": {"type": "string"}},
                            },
                        },
                        "400": _ERROR,
                        "404": _ERROR,
                        "429": _ERROR,
                    },
                }
            },
            "/themes": {
                "get": {
                    "summary": "The five pan-sector themes with counts; the reach classes and their agreement with NOSCategory",
                    "operationId": "listThemes",
                    "responses": {
                        "200": {"description": "Themes", "content": {"application/json": {"schema": {"type": "object"}}}},
                        "404": _ERROR,
                        "429": _ERROR,
                    },
                }
            },
            "/themes/{slug}": {
                "get": {
                    "summary": "A theme: its reference NOS and the NOS that embed them, with confidence and reasons",
                    "operationId": "getTheme",
                    "parameters": [
                        _param("slug", "Theme slug", {"type": "string", "enum": [t.slug for t in THEMES]}, True, "path"),
                        fmt,
                        _param("extent", "Only full copies or copies in part", {"type": "string", "enum": ["", "full", "part"]}),
                    ],
                    "responses": {
                        "200": {
                            "description": "Theme",
                            "content": {"application/json": {"schema": {"type": "object"}}, "text/csv": {"schema": {"type": "string"}}},
                        },
                        "400": _ERROR,
                        "404": _ERROR,
                        "429": _ERROR,
                    },
                }
            },
            "/behaviours": {
                "get": {
                    "summary": "The catalogue of work behaviours found in NOS",
                    "operationId": "listBehaviours",
                    "parameters": [_param("q", "Words in a behaviour's name or definition", {"type": "string", "maxLength": 200}), fmt],
                    "responses": {
                        "200": {
                            "description": "Behaviours, with the coverage of current NOS",
                            "content": {
                                "application/json": {"schema": {"type": "object"}},
                                "text/csv": {"schema": {"type": "string"}},
                            },
                        },
                        "400": _ERROR,
                        "429": _ERROR,
                    },
                }
            },
            "/reach/{urn}": {
                "get": {
                    "summary": "A NOS's reach (pan-sector, multi-sector, job-specific) with its evidence and decisions",
                    "operationId": "getReach",
                    "parameters": [_param("urn", "URN or slug of a NOS", {"type": "string"}, True, "path")],
                    "responses": {
                        "200": {"description": "Reach", "content": {"application/json": {"schema": {"type": "object"}}}},
                        "404": _ERROR,
                        "429": _ERROR,
                    },
                }
            },
            "/behaviours/{slug}": {
                "get": {
                    "summary": "A behaviour: definition, examples, evidencing NOS and typed links to ESCO, IfATE, O*NET and Meta-skills",
                    "operationId": "getBehaviour",
                    "parameters": [_param("slug", "The behaviour's slug", {"type": "string"}, True, "path")],
                    "responses": {
                        "200": {"description": "Behaviour", "content": {"application/json": {"schema": {"type": "object"}}}},
                        "404": _ERROR,
                        "429": _ERROR,
                    },
                }
            },
            "/frameworks": {
                "get": {
                    "summary": "The map of other standards systems: ESCO, O*NET and IfATE occupations held, links by provenance, gap counts",
                    "operationId": "getFrameworks",
                    "responses": {
                        "200": {"description": "Summary", "content": {"application/json": {"schema": {"type": "object"}}}},
                        "429": _ERROR,
                    },
                }
            },
            "/frameworks/soc2020/{code}": {
                "get": {
                    "summary": "A SOC 2020 group (any level): its NOS, IfATE standards, ESCO and O*NET occupations with typed links",
                    "operationId": "getFrameworksGroup",
                    "parameters": [
                        _param("code", "SOC 2020 code (1 to 4 digits)", {"type": "string"}, True, "path", "5434"),
                        _param("limit", "At most this many of each system", {"type": "integer", "minimum": 1, "maximum": 1000}),
                    ],
                    "responses": {
                        "200": {
                            "description": "The group's map",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "400": _ERROR,
                        "404": _ERROR,
                        "429": _ERROR,
                    },
                }
            },
            "/frameworks/nos/{urn}": {
                "get": {
                    "summary": "A NOS's counterparts in IfATE, ESCO and O*NET through its SOC 2020 codes, with content side by side",
                    "operationId": "getFrameworksNos",
                    "parameters": [
                        _param("urn", "URN or slug of a NOS", {"type": "string"}, True, "path"),
                        _param("limit", "At most this many of each system", {"type": "integer", "minimum": 1, "maximum": 100}),
                    ],
                    "responses": {
                        "200": {"description": "Counterparts", "content": {"application/json": {"schema": {"type": "object"}}}},
                        "400": _ERROR,
                        "404": _ERROR,
                        "429": _ERROR,
                    },
                }
            },
            "/frameworks/gaps": {
                "get": {
                    "summary": "SOC 2020 unit groups with IfATE standards but no NOS, and with NOS but no IfATE standard",
                    "operationId": "getFrameworksGaps",
                    "parameters": [
                        _param("limit", "At most this many of each list", {"type": "integer", "minimum": 1, "maximum": 1000})
                    ],
                    "responses": {
                        "200": {"description": "Gaps", "content": {"application/json": {"schema": {"type": "object"}}}},
                        "400": _ERROR,
                        "429": _ERROR,
                    },
                }
            },
            "/frameworks/links": {
                "get": {
                    "summary": "Every link of the map: JSON-LD with SKOS mapping relations, or CSV",
                    "operationId": "getFrameworksLinks",
                    "parameters": [
                        _param("format", "Response format", {"type": "string", "enum": ["jsonld", "csv"], "default": "jsonld"}),
                        _param(
                            "scheme", "Only this system's links", {"type": "string", "enum": ["esco", "onet", "ifate", "isco08"]}
                        ),
                    ],
                    "responses": {
                        "200": {
                            "description": "Links",
                            "content": {
                                "application/ld+json": {"schema": {"type": "object"}},
                                "text/csv": {"schema": {"type": "string"}},
                            },
                        },
                        "400": _ERROR,
                        "429": _ERROR,
                    },
                }
            },
            "/developers": {
                "get": {
                    "summary": "Developing organisations",
                    "operationId": "listDevelopers",
                    "responses": {
                        "200": {"description": "Developers", "content": {"application/json": {"schema": {"type": "object"}}}},
                        "429": _ERROR,
                    },
                }
            },
            "/qualifications": {
                "get": {
                    "summary": "Qualifications (SQA accreditation), most units first, with the reuse figures",
                    "operationId": "listQualifications",
                    "parameters": [
                        _param("q", "Words of the title, a code or an awarding body", {"type": "string", "maxLength": 200}),
                        _param("structured", "1: only qualifications whose units are held", {"type": "string", "enum": ["", "0", "1"]}),
                        _param("limit", "At most this many (0-1000, default 100)", {"type": "integer", "minimum": 0, "maximum": 1000}),
                        _param("offset", "Skip this many", {"type": "integer", "minimum": 0, "maximum": 1000000}),
                    ],
                    "responses": {
                        "200": {"description": "Qualifications", "content": {"application/json": {"schema": {"type": "object"}}}},
                        "400": _ERROR,
                        "429": _ERROR,
                    },
                }
            },
            "/qualifications/alerts": {
                "get": {
                    "summary": "Change alerts: units whose NOS has a new version, newest first",
                    "operationId": "listQualificationAlerts",
                    "parameters": [
                        _param("nos", "Only alerts about this NOS (its slug)", {"type": "string", "maxLength": 300}),
                        _param("qualification", "Only alerts about this qualification (code or id)", {"type": "string", "maxLength": 80}),
                        _param("limit", "At most this many (0-1000, default 50)", {"type": "integer", "minimum": 0, "maximum": 1000}),
                        _param("offset", "Skip this many", {"type": "integer", "minimum": 0, "maximum": 1000000}),
                    ],
                    "responses": {
                        "200": {"description": "Alerts", "content": {"application/json": {"schema": {"type": "object"}}}},
                        "400": _ERROR,
                        "404": _ERROR,
                        "429": _ERROR,
                    },
                }
            },
            "/qualifications/{code}": {
                "get": {
                    "summary": "A qualification: structure, each unit's NOS with confidence and status, coverage, alerts",
                    "operationId": "getQualification",
                    "parameters": [_param("code", "Group award code (GK56 22, GK56) or id", {"type": "string"}, True, "path", "GK56")],
                    "responses": {
                        "200": {"description": "Qualification", "content": {"application/json": {"schema": {"type": "object"}}}},
                        "400": _ERROR,
                        "404": _ERROR,
                        "429": _ERROR,
                    },
                }
            },
            "/soc2020": {
                "get": {
                    "summary": "The SOC 2020 tree with NOS counts",
                    "operationId": "socTree",
                    "responses": {
                        "200": {
                            "description": "Major groups down to unit groups",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "429": _ERROR,
                    },
                }
            },
            "/soc2020/{code}": {
                "get": {
                    "summary": "One SOC 2020 group",
                    "operationId": "socGroup",
                    "parameters": [_param("code", "SOC 2020 code", {"type": "string"}, True, "path", "5434")],
                    "responses": {
                        "200": {"description": "Group", "content": {"application/json": {"schema": {"type": "object"}}}},
                        "404": _ERROR,
                        "429": _ERROR,
                    },
                }
            },
            **_write_paths(server),
        },
        "components": {
            "responses": {
                "Error": {
                    "description": "An error",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["status", "code", "message"],
                            "properties": {
                                "status": {"type": "integer"},
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                                "parameter": {"type": "string"},
                                "path": {"type": "string", "description": "For a JSON body: the JSON path of what is wrong"},
                            },
                        }
                    },
                },
                "SearchResult": {
                    "type": "object",
                    "required": ["query", "total", "results", "facets", "page", "pages"],
                    "properties": {
                        "query": {"type": "string"},
                        "total": {"type": "integer"},
                        "page": {"type": "integer"},
                        "pages": {"type": "integer"},
                        "did_you_mean": {"type": ["string", "null"]},
                        "welsh": {
                            "type": "object",
                            "description": "The query's Welsh: is it Welsh, the Welsh name it is (a section or interface term, "
                            "searched as its English), and whether any NOS holds it in Welsh text",
                            "properties": {
                                "is_welsh": {"type": "boolean"},
                                "words": {"type": "array", "items": {"type": "string"}},
                                "name": {"type": ["object", "null"]},
                                "nos_with_welsh_text": {"type": "integer"},
                                "welsh_text_held": {"type": "boolean"},
                            },
                        },
                        "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
                        "facets": {"type": "object"},
                    },
                },
                "SearchHit": {
                    "type": "object",
                    "required": ["urn", "title", "score", "slug"],
                    "properties": {
                        "urn": {"type": "string"},
                        "slug": {"type": "string"},
                        "title": {"type": "string"},
                        "score": {"type": "number"},
                        "validity": {"type": "string"},
                        "snippet_html": {"type": "string"},
                        "snippet_source": {"type": ["string", "null"], "enum": ["text", "overview", "keywords", None]},
                        "review_date": {"type": ["string", "null"], "format": "date"},
                        "review_status": {"type": "string", "enum": ["past_due", "scheduled", "not_set"]},
                        "matched_by": {"type": "array", "items": {"type": "string"}},
                        "why": {
                            "type": "array",
                            "description": "Why it was found: code (urn, title, keywords, text, context, words, job_title, "
                            "occupation, meaning, welsh_text), details, and a sentence in the request's language",
                            "items": {"type": "object", "required": ["code", "text"]},
                        },
                        "duplicates": {
                            "type": ["object", "null"],
                            "description": "Its duplicate group: the key, the copies collapsed into this result, their other suites, "
                            "and copies_query (this search's query showing every copy)",
                        },
                        "copies_url": {"type": ["string", "null"], "description": "This search showing every copy of the group"},
                        "soc_evidence": {
                            "type": ["object", "null"],
                            "description": "With a `soc` filter: its strongest SOC 2020 unit group there (unit), where the code "
                            "came from (source: confirmed, crosswalk, suggested), its confidence, and a crosswalked code's "
                            "ONS share (share, or null)",
                        },
                    },
                },
                **{body.name: body.schema for body in BODY_SCHEMAS},
                "Nos": {
                    "type": "object",
                    "required": ["slug", "urn", "current", "history"],
                    "properties": {
                        "slug": {"type": "string"},
                        "urn": {"type": "string"},
                        "urn_clash": {"type": "boolean"},
                        "finder_url": {
                            "type": "string",
                            "format": "uri",
                            "description": "The NOS's page on the official NOS finder (ukstandards.org.uk)",
                        },
                        "current": {"type": ["object", "null"]},
                        "history": {"type": "array", "items": {"type": "object"}},
                    },
                },
            },
        },
    }
