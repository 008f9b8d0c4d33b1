from django.urls import path

from api.views import HealthView

v1 = [path("health", HealthView.as_view(), name="health")]
