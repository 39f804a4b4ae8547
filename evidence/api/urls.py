"""Evidence API routes under /api/v1/ (DESIGN.md §6): items and their custody, dossier
exports, and the custody log's signed checkpoints.

Items and exports are addressed by public UUIDs; anything else is not routed.
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from evidence.api.views import checkpoints, dossiers, items

router = SimpleRouter()
router.register("evidence", items.EvidenceViewSet, basename="evidence")
router.register("dossiers", dossiers.DossierViewSet, basename="dossier")

urlpatterns = [
    path(
        "custody/checkpoints/",
        checkpoints.CheckpointView.as_view(),
        name="custody-checkpoints",
    ),
    *router.urls,
]
