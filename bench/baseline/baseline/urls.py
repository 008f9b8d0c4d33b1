from django.urls import path
from rest_framework import generics, serializers

from baseline.models import Row


class RowSerializer(serializers.ModelSerializer):
    class Meta:
        model = Row
        fields = "__all__"


class RowCreate(generics.CreateAPIView):
    serializer_class = RowSerializer


urlpatterns = [path("rows", RowCreate.as_view())]
