// Journal drafts: no text is lost if the browser closes.
//
// As the author types, the title and body are kept in this browser (localStorage) at once,
// and sent to the server as an encrypted draft every few seconds and as the page closes.
// Once the server holds exactly what is on the screen, the browser's copy is removed, so
// journal text does not linger on a shared computer. If the page opens with a copy the
// server never received (the browser crashed, the network was down), the author is offered
// it back. The page works without this file; only the autosave is lost.
(function () {
  'use strict'
  /* global gettext */

  const PREFIX = 'alsspace.journal.draft.'
  const SERVER_SAVE_DELAY_MS = 4000

  function read (key) {
    try {
      return JSON.parse(window.localStorage.getItem(PREFIX + key))
    } catch (error) {
      return null
    }
  }

  function write (key, value) {
    try {
      window.localStorage.setItem(PREFIX + key, JSON.stringify(value))
    } catch (error) {
      // Storage full or disabled: the server draft still keeps the text.
    }
  }

  function remove (key) {
    try {
      window.localStorage.removeItem(PREFIX + key)
    } catch (error) {
      // Storage disabled: nothing was kept.
    }
  }

  // Copies whose form was submitted are no longer needed once another page has loaded.
  function forgetSubmitted () {
    let keys = []
    try {
      keys = Object.keys(window.localStorage).filter(function (name) {
        return name.indexOf(PREFIX) === 0
      })
    } catch (error) {
      return
    }
    keys.forEach(function (name) {
      const stored = read(name.slice(PREFIX.length))
      if (!stored || stored.submitted) {
        remove(name.slice(PREFIX.length))
      }
    })
  }

  function same (a, b) {
    return a.title === b.title && a.body === b.body
  }

  function start (form) {
    const key = form.dataset.draftKey
    const url = form.dataset.draftUrl
    const title = form.elements.title
    const body = form.elements.body
    const status = form.querySelector('[data-draft-status]')
    let lastSent = current()
    let timer = null
    let submitting = false

    function current () {
      return { title: title.value, body: body.value }
    }

    function say (text) {
      if (status) {
        status.textContent = text
      }
    }

    function payload (values) {
      const data = new FormData()
      data.append('csrfmiddlewaretoken', form.elements.csrfmiddlewaretoken.value)
      data.append('title', values.title)
      data.append('body', values.body)
      return data
    }

    function saveToServer () {
      timer = null
      const values = current()
      if (submitting || same(values, lastSent)) {
        return
      }
      window.fetch(url, {
        method: 'POST',
        body: payload(values),
        headers: { Accept: 'application/json' },
        credentials: 'same-origin'
      }).then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) {
            say(data.error || gettext('The draft could not be saved; this browser is keeping it.'))
            return
          }
          lastSent = values
          say(data.label)
          if (same(values, current())) {
            remove(key)
          }
        })
      }).catch(function () {
        say(gettext('Offline: this browser is keeping your draft until the connection is back.'))
      })
    }

    function scheduleServerSave () {
      if (!timer) {
        timer = window.setTimeout(saveToServer, SERVER_SAVE_DELAY_MS)
      }
    }

    // The page is closing or going to the background: hand the latest text to the browser,
    // which sends it even after the page has gone.
    function flush () {
      const values = current()
      if (submitting || same(values, lastSent) || !navigator.sendBeacon) {
        return
      }
      if (navigator.sendBeacon(url, payload(values))) {
        lastSent = values
      }
    }

    function offerRestore (stored) {
      const box = document.querySelector('[data-draft-restore]')
      if (!box) {
        return
      }
      box.querySelector('[data-draft-restore-time]').textContent = new Date(
        stored.savedAt
      ).toLocaleString(document.documentElement.lang || 'en-GB', { dateStyle: 'medium', timeStyle: 'short' })
      box.querySelector('[data-draft-restore-accept]').addEventListener('click', function () {
        title.value = stored.title
        body.value = stored.body
        box.hidden = true
        body.focus()
        say(gettext('Restored. Saving the draft…'))
        scheduleServerSave()
      })
      box.querySelector('[data-draft-restore-dismiss]').addEventListener('click', function () {
        remove(key)
        box.hidden = true
        title.focus()
      })
      box.hidden = false
    }

    const stored = read(key)
    if (stored) {
      if (same(stored, current())) {
        remove(key)
      } else {
        offerRestore(stored)
      }
    }

    form.addEventListener('input', function (event) {
      if (event.target !== title && event.target !== body) {
        return
      }
      write(key, { title: title.value, body: body.value, savedAt: Date.now() })
      say(gettext('Saving the draft…'))
      scheduleServerSave()
    })

    form.addEventListener('submit', function () {
      submitting = true
      window.clearTimeout(timer)
      const kept = read(key)
      if (kept) {
        kept.submitted = true
        write(key, kept)
      }
    })

    document.querySelectorAll('form[data-journal-discard]').forEach(function (discard) {
      discard.addEventListener('submit', function () {
        submitting = true
        remove(key)
      })
    })

    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden') {
        flush()
      }
    })
    window.addEventListener('pagehide', flush)
  }

  document.addEventListener('DOMContentLoaded', function () {
    const form = document.querySelector('form[data-journal-draft]')
    if (form) {
      start(form)
    } else {
      forgetSubmitted()
    }
  })
})()
