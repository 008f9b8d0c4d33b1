from django.urls import path

from webhooks_app.api import views

urlpatterns = [
    path("webhooks/endpoints", views.EndpointListCreateView.as_view(), name="webhook-endpoints"),
    path(
        "webhooks/endpoints/<str:endpoint_id>",
        views.EndpointDetailView.as_view(),
        name="webhook-endpoint",
    ),
    path("webhooks/events", views.EventListView.as_view(), name="webhook-events"),
    path("webhooks/events/<str:event_id>", views.EventDetailView.as_view(), name="webhook-event"),
    path("webhooks/simulate", views.SimulateView.as_view(), name="webhook-simulate"),
]
