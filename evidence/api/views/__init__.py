"""Evidence API views: items and their custody, dossier exports, custody-log checkpoints."""
