from accounts.api.v1 import TestDataViewSet
from api.routers import Router

v1_router = Router()
v1_router.register("test", TestDataViewSet, basename="test")

v1 = v1_router.urls
