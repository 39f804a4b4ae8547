"""Views of the message API: outgoing messages and their parts, the received side, and the
peers' inbox (`inbox`)."""
