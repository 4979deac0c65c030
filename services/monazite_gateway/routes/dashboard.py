"""The dashboard at `/`: one HTML page and its static ES modules and stylesheet.

The page draws everything itself from the public API (`/v1/...`) and the live stream
(`/v1/stream`); nothing here computes a figure. The assets ship inside the package (no build step,
no CDN), so the page works on a machine without network access.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter
from fastapi import Path as PathParam
from fastapi.responses import FileResponse

from monazite_gateway.problems import Problem

router = APIRouter(tags=["dashboard"])

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}

# The page loads only its own scripts and styles and talks only to this gateway; inline scripts
# stay forbidden, so injected text in event data can never run.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)

# One file name, no directories: the pattern alone keeps a request inside STATIC_DIR.
AssetName = Annotated[str, PathParam(pattern=r"^[a-z0-9][a-z0-9_-]*\.(js|css|svg)$", max_length=80)]


def _asset(name: str) -> FileResponse:
    path = STATIC_DIR / name
    if not path.is_file():
        raise Problem(404, "Not found", f"no dashboard asset {name!r}", field="asset")
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[path.suffix],
        headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY},
    )


# Plain functions: FastAPI runs them in its thread pool, so the file lookup never blocks the loop.
@router.get("/", summary="The dashboard: indices by stage and basis, suppliers, timeline, live")
def dashboard_page() -> FileResponse:
    return _asset("index.html")


@router.get("/static/{asset}", summary="A script, stylesheet or icon of the dashboard")
def dashboard_asset(asset: AssetName) -> FileResponse:
    return _asset(asset)
