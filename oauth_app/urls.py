from api.routers import Router
from oauth_app.api.v1.views import OAuthServerViewSet

v1_router = Router()
v1_router.register("oauth", OAuthServerViewSet, basename="oauth")

v1 = v1_router.urls
