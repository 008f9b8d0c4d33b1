from django.urls import path

from payments.api import views

urlpatterns = [
    path("payments", views.PaymentListCreateView.as_view(), name="payments"),
    path("payments/<str:payment_id>", views.PaymentDetailView.as_view(), name="payment"),
    path(
        "payments/<str:payment_id>/status",
        views.PaymentStatusView.as_view(),
        name="payment-status",
    ),
    path(
        "payments/<str:payment_id>/cancel",
        views.PaymentCancelView.as_view(),
        name="payment-cancel",
    ),
]
