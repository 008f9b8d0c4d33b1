from accounts.api.v1.views import SandboxViewSet, ScenarioViewSet
from api.routers import Router

v1_router = Router()
v1_router.register("test/scenarios", ScenarioViewSet, basename="scenario")
v1_router.register("test", SandboxViewSet, basename="test")

v1 = v1_router.urls
