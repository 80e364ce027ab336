// The copy button beside the private calendar address (sessions/calendar.html).
(function () {
  'use strict'

  document.addEventListener('click', function (event) {
    const button = event.target.closest('button[data-copy-target]')
    if (!button) {
      return
    }
    const field = document.getElementById(button.dataset.copyTarget)
    const status = document.getElementById(button.dataset.copyTarget + '-status')
    function say (text) {
      if (status) {
        status.textContent = text
      }
    }
    field.select()
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        function () { say(gettext('Copied. Paste it into your calendar app.')) },
        function () { say(gettext('Press Ctrl+C (or ⌘C) to copy the selected address.')) }
      )
    } else {
      say(gettext('Press Ctrl+C (or ⌘C) to copy the selected address.'))
    }
  })
})()
