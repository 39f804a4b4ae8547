"""List pages whose search term stays out of URLs (a term may be a person's name).

The filter form is POSTed; the term is kept in the session and the URL carries only the other
filters and `search=1`, so links, history, logs and Referer headers never hold the term.
Used by the case list and the evidence list.
"""

from django.http import HttpRequest, QueryDict
from django.shortcuts import redirect
from django.urls import reverse

SEARCH_MARKER = "search"


def filter_data(request: HttpRequest, *, session_key: str) -> QueryDict:
    """The list's filters: the URL's, plus the search term kept in the session."""
    data = request.GET.copy()
    if data.get(SEARCH_MARKER) == "1" and "q" not in data:
        data["q"] = request.session.get(session_key, "")
    return data


def redirect_to_filtered_list(request: HttpRequest, form, *, url_name: str, session_key: str):
    """After a valid POST of the filters: keep the term in the session, the rest in the URL."""
    query = QueryDict(mutable=True)
    for name in form.fields:
        if name == "q":
            continue
        values = [value for value in request.POST.getlist(name) if value != ""]
        if values:
            query.setlist(name, values)
    term = form.cleaned_data.get("q", "").strip()
    if term:
        request.session[session_key] = term
        query[SEARCH_MARKER] = "1"
    else:
        request.session.pop(session_key, None)
    url = reverse(url_name)
    return redirect(f"{url}?{query.urlencode()}" if query else url)
