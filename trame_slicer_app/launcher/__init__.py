"""Many users: one app process per browser session, behind one front door.

``trame-slicer-app-launcher`` keeps a pool of ready app processes, hands each new browser one of
them with its own secret, relays its page and websocket, and ends sessions that are idle, too big
or dead (docs/decisions/0022-sessions-for-many-users.md). It imports neither the engine nor VTK:
it stays small, and a failing session cannot take it down."""
