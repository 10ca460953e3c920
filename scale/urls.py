"""The product's URLs plus the benchmark floor, for the benchmark's in-process checks (query
counts, the tests' page list) where the process was started without BENCHMARK_VIEWS."""

from django.conf import settings
from django.urls import path

from config.urls import urlpatterns as _product
from core.views import floor

if settings.BENCHMARK_VIEWS:
    urlpatterns = list(_product)
else:
    urlpatterns = [path("_bench/floor/", floor, name="bench_floor"), *_product]
