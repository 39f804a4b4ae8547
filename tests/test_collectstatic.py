"""`collectstatic` as production runs it (Dockerfile): the manifest storage resolves every
url() and sourceMappingURL in the files it collects, so a vendored file that points at something
not vendored fails the image build; this catches it first."""

from django.core.management import call_command

PRODUCTION_STATIC_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_collectstatic_with_the_production_storage_resolves_every_reference(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": PRODUCTION_STATIC_STORAGE},
    }

    call_command("collectstatic", interactive=False, verbosity=0)

    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/chartjs/chart.umd.min.js" in manifest
    assert "css/" in manifest
