"""How often one client may post to the customers' pages. The pages need no credentials
(their id is the secret), and each POST may make a card and a charge: a client IP gets
`PAGE_POSTS_PER_MINUTE` of them (counted in the shared cache, as the API's limits are),
then a plain 429 page with `Retry-After` until its minute is over."""

from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

from api.ratelimit import client_ip_key


def limit_posts(view):
    @wraps(view)
    def limited(request, *args, **kwargs):
        if request.method == "POST" and is_ratelimited(
                request, group="customer-pages", key=lambda group, request: client_ip_key(request),
                rate=f"{settings.PAGE_POSTS_PER_MINUTE}/m", increment=True):
            response = render(request, "pages/too_many.html", status=429)
            response["Retry-After"] = "60"
            return response
        return view(request, *args, **kwargs)

    return limited
