"""The FastAPI gateway: `create_app(settings)` wires the read store in a lifespan, nothing at
import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from monazite_gateway.auth import KeyCache, ReadAccess
from monazite_gateway.etags import ETagMiddleware
from monazite_gateway.market_state import MarketStateCache
from monazite_gateway.observability import install_observability
from monazite_gateway.problems import install_problem_handlers
from monazite_gateway.read_cache import ReadCache, ReadCacheCollector, ReadCacheMiddleware
from monazite_gateway.responses import OrjsonResponse
from monazite_gateway.routes import (
    chains,
    contracts,
    dashboard,
    dead_letters,
    deals,
    entities,
    health,
    history,
    indices,
    ingest,
    metrics,
    review,
    scenarios,
    status,
    stream,
)
from monazite_gateway.routes.ingest import RateLimiter
from monazite_gateway.streaming import StreamHub
from monazite_infra.postgres.api_keys import ApiKeyStore
from monazite_infra.postgres.feed import FeedReader
from monazite_infra.postgres.pool import create_pool
from monazite_infra.postgres.read_store import ReadStore
from monazite_infra.publisher import EventPublisher
from monazite_infra.settings import Settings


def create_app(settings: Settings) -> FastAPI:
    # Made with the app, not in the lifespan: the middleware holds it from the start.
    read_cache = ReadCache()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await create_pool(settings.require_database_url(), min_size=1, max_size=10)
        app.state.store = ReadStore(pool)
        app.state.market_state = MarketStateCache()
        app.state.api_keys = ApiKeyStore(pool)
        app.state.key_cache = KeyCache()
        app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute)
        hub = StreamHub(
            FeedReader(pool),
            database_url=settings.require_database_url(),
            poll_s=settings.stream_poll_s,
            on_commit=read_cache.invalidate,
        )
        await hub.start()
        app.state.stream_hub = hub
        publisher = EventPublisher(settings)
        await publisher.__aenter__()
        app.state.publisher = publisher
        try:
            yield
        finally:
            await hub.stop()
            await publisher.__aexit__()
            await pool.close()

    app = FastAPI(
        title="Monazite",
        summary="Live concentration indices for critical-mineral supply chains.",
        version="0.1.0",
        lifespan=lifespan,
        default_response_class=OrjsonResponse,
    )
    app.state.settings = settings
    app.state.read_cache = read_cache
    app.add_middleware(ETagMiddleware)
    # In front of the routes, inside observability: an answer from memory is still timed,
    # counted, logged and given its request id.
    app.add_middleware(ReadCacheMiddleware, cache=read_cache)
    gateway_metrics = install_observability(app)  # outermost: sees every request whole
    gateway_metrics.registry.register(ReadCacheCollector(read_cache))
    install_problem_handlers(app)
    # Open always: probes, published contracts, metrics and the page itself.
    for open_router in (health, contracts, metrics, dashboard):
        app.include_router(open_router.router)
    # Reads, behind a read key when MONAZITE_READ_ACCESS=key.
    for read_router in (
        history,
        indices,
        entities,
        deals,
        dead_letters,
        status,
        stream,
        scenarios,
        chains,
        review,
    ):
        app.include_router(read_router.router, dependencies=[ReadAccess])
    app.include_router(ingest.router)  # its own write key
    return app
