"""Browser pages of HST messages under /messages/: thin adapters over `messages_hst.selectors`
(every read: a user sees the outgoing messages of their NCB and what it received; missing and
not visible are the same 404) and the services (`messages_hst.services`, `.services.triage`,
`.tracking`, `.pipeline`: every write, each re-checking the role rules; a PermissionDenied
becomes the 403 page). Every successful POST redirects with a message; a failed one
re-renders the page with the form's errors (400).

The structured editor (compose, edit) is `messages_hst.views.editor*`.
"""
