"""Shapes of the message API: outgoing messages, their deliveries, received messages and
tracked requests (one module each)."""
