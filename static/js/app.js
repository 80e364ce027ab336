// Small progressive enhancements. Every page works without this file.
(function () {
  'use strict'

  // A form or submit button with data-confirm asks before it sends: for acts that are hard to
  // undo, such as removing a member or closing a set.
  document.addEventListener('submit', function (event) {
    const form = event.target
    const submitter = event.submitter
    const message = (submitter && submitter.dataset.confirm) || form.dataset.confirm
    if (message && !window.confirm(message)) {
      event.preventDefault()
    }
  })

  // A link with data-confirm asks before it is followed.
  document.addEventListener('click', function (event) {
    const link = event.target.closest('a[data-confirm]')
    if (link && !window.confirm(link.dataset.confirm)) {
      event.preventDefault()
    }
  })

  // After a rejected form, put the cursor in the first field that needs fixing.
  function focusFirstInvalidField () {
    const field = document.querySelector(
      'main .is-invalid:not([type=hidden]), main [aria-invalid=true]'
    )
    if (field && typeof field.focus === 'function') {
      field.focus()
    }
  }

  // Read-only values such as the authenticator setup key are selected whole on focus, ready to copy.
  document.addEventListener('focusin', function (event) {
    const field = event.target
    if (field.matches && field.matches('input[readonly], textarea[readonly]')) {
      field.select()
    }
  })

  // A button with data-print prints the page (its print layout); without this file it stays
  // hidden, and the browser's own print does the same.
  function offerPrinting () {
    document.querySelectorAll('button[data-print]').forEach(function (button) {
      button.hidden = false
      button.addEventListener('click', function () { window.print() })
    })
  }

  // A passkey the browser could not make or use (cancelled, timed out, no key): allauth's
  // WebAuthn script announces it; the page's own notice says so and takes the focus.
  document.addEventListener('allauth.error', function (event) {
    const notice = document.getElementById('webauthn_error')
    if (notice) {
      event.preventDefault()
      notice.classList.remove('d-none')
      notice.focus()
    }
  })

  document.addEventListener('DOMContentLoaded', focusFirstInvalidField)
  document.addEventListener('DOMContentLoaded', offerPrinting)
})()
