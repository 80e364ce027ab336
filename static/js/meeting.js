// The meeting page: airtime timers that tick, and forms that stay at the meeting's revision.
// Every panel still works without this file: its forms post and the page comes back.
(function () {
  'use strict'

  // The server's clock minus this device's, so a timer started on one laptop reads the same
  // on a tablet whose clock is a little out.
  let clockOffsetMs = 0

  function readServerClock (root) {
    const marked = root.matches && root.matches('[data-server-now]')
      ? root
      : root.querySelector('[data-server-now]')
    if (marked) {
      clockOffsetMs = Number(marked.dataset.serverNow) * 1000 - Date.now()
    }
  }

  // The same format as sessions.views.meeting.clock: m:ss, or h:mm:ss past the hour.
  function clock (totalSeconds) {
    const hours = Math.floor(totalSeconds / 3600)
    const minutes = Math.floor((totalSeconds % 3600) / 60)
    const seconds = totalSeconds % 60
    const ss = String(seconds).padStart(2, '0')
    return hours ? hours + ':' + String(minutes).padStart(2, '0') + ':' + ss : minutes + ':' + ss
  }

  function tick () {
    const nowMs = Date.now() + clockOffsetMs
    document.querySelectorAll('[data-timer]').forEach(function (timer) {
      let seconds = Number(timer.dataset.seconds || 0)
      if (timer.dataset.startedAt) {
        seconds += Math.max(0, Math.floor(nowMs / 1000 - Number(timer.dataset.startedAt)))
      }
      timer.textContent = clock(seconds)
    })
  }

  // Buttons only needed without JavaScript, such as saving attendance, which saves itself
  // on each change here.
  function hideNoScriptButtons (root) {
    root.querySelectorAll('[data-nojs]').forEach(function (button) {
      button.hidden = true
    })
  }

  htmx.onLoad(function (content) {
    readServerClock(content)
    hideNoScriptButtons(content)
    tick()
  })
  window.setInterval(tick, 1000)

  // A refused change (400) or a conflict (409) comes back with the panel to show, its reason
  // at the top; htmx would otherwise leave the page as it was.
  document.addEventListener('htmx:beforeSwap', function (event) {
    const status = event.detail.xhr.status
    if (status === 400 || status === 409) {
      event.detail.shouldSwap = true
      event.detail.isError = false
    }
  })

  // A save moves the meeting to a new revision. Forms that were current move with it; any
  // left at an older revision (after a conflict elsewhere) stay there, so the server still
  // refuses them rather than overwrite someone else's change.
  document.addEventListener('meetingSaved', function (event) {
    const from = String(event.detail.from)
    const to = String(event.detail.to)
    document.querySelectorAll('#meeting-work input[name="revision"]').forEach(function (input) {
      if (input.value === from) {
        input.value = to
      }
    })
  })
})()
