"""RFC 8785 canonical JSON for the custody log, importable without the project.

Why this module exists, and why it is only three lines in the repository:

The offline verifier (`python -m evidence.verify dossier.zip`) is shipped inside every court
dossier as a self-contained folder, `verifier/evidence/*.py`, so that a court abroad can run it
with nothing but Python and `cryptography`. It therefore must not import `ncb_cases`. Inside the
project there must still be exactly one implementation of RFC 8785: `ncb_cases/canonical.py`,
which HST signatures depend on too. So:

- in the repository, `evidence.canonical` re-exports `ncb_cases.canonical`; every evidence
  module (and the verifier) imports `from evidence.canonical import ...`;
- in the shipped folder, `evidence/canonical.py` IS `ncb_cases/canonical.py`, copied byte for
  byte by the dossier builder (`evidence.dossier_format.verifier_files()`), which reads the
  real source file rather than this one.

There is no second copy to drift: what courts run is what the project runs, at export time.
"""

from ncb_cases.canonical import CanonicalizationError, canonical_json, canonical_json_bytes

__all__ = ["CanonicalizationError", "canonical_json", "canonical_json_bytes"]
