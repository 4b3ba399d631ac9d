"""What a page shows when its server process is gone.

trame's client replaces the page with its ``trame__template_error`` template when the websocket
closes; without one it shows a spinner that never ends, which reads as a frozen view. A process
ends when it is stopped, fails, was idle past its launcher's limit or outgrew its memory bound;
the page cannot know which, so it says so and offers a reload (behind the launcher, the reload
shows the reason)."""

from __future__ import annotations

SESSION_ENDED_TEMPLATE = """
<div class="slicer-session-ended" style="position: fixed; inset: 0; display: flex; align-items: center;
     justify-content: center; background: #1e1e1e; color: #eee; font-family: sans-serif;">
  <div style="max-width: 34em; text-align: center; line-height: 1.5;">
    <h2 style="margin-bottom: 0.5em;">This session has ended</h2>
    <p>The connection to its server closed ({{ trame_error_report_msg || 'connection closed' }}).
       The server may have been stopped, it may have failed, or the session may have ended after
       being idle or using more memory than allowed. What was open in it is gone.</p>
    <p style="margin-top: 1em;"><button onclick="window.location.reload()"
       style="padding: 0.4em 1.2em; border: 1px solid #aaa; border-radius: 4px; color: #eee;">
       Reload</button></p>
  </div>
</div>
"""


def report_session_end(state) -> None:
    state.trame__template_error = SESSION_ENDED_TEMPLATE
