from django.urls import path

from refunds.api import views

urlpatterns = [
    path(
        "payments/<str:payment_id>/refund",
        views.PaymentRefundCreateView.as_view(),
        name="payment-refund",
    ),
    path(
        "payments/<str:payment_id>/refunds",
        views.PaymentRefundListView.as_view(),
        name="payment-refunds",
    ),
    path("refunds/<str:refund_id>", views.RefundDetailView.as_view(), name="refund"),
]
