// The meeting page: airtime timers that tick, forms that stay at the meeting's revision, and
// every save telling the truth where it was made: saving, saved, not saved yet (no network:
// it is sent when the network returns) or not saved (with the reason and a retry).
// Every panel still works without this file: its forms post and the page comes back.
(function () {
  'use strict'

  // A save that has had no answer after this long is a failure the person can retry.
  htmx.config.timeout = 20000

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

  // A new action's owner follows the presenter whose timer runs, unless it was chosen by hand.
  function followPresenter () {
    const bar = document.getElementById('presenter-bar')
    const owner = document.getElementById('action_owner')
    if (!bar || !owner || owner.dataset.chosen || !bar.dataset.presenter) {
      return
    }
    if (owner.querySelector('option[value="' + bar.dataset.presenter + '"]')) {
      owner.value = bar.dataset.presenter
    }
  }

  // Bids are put in order by dragging one onto the place it should take; the Move up and
  // Move down buttons do the same without dragging. A drop sends the dragged bid's own form,
  // so it is saved (and shown saving, saved or not saved) like any other change.
  let draggedBid = null

  function bidAt (target) {
    const item = target && target.closest ? target.closest('[data-bid-order] > [data-bid]') : null
    return item && draggedBid && item.parentNode === draggedBid.parentNode ? item : null
  }

  function clearDropTargets () {
    document.querySelectorAll('.bid-drop-target').forEach(function (item) {
      item.classList.remove('bid-drop-target')
    })
  }

  document.addEventListener('dragstart', function (event) {
    const item = event.target.closest ? event.target.closest('[data-bid-order] > [data-bid]') : null
    if (!item) {
      return
    }
    draggedBid = item
    item.classList.add('bid-dragging')
    event.dataTransfer.effectAllowed = 'move'
    event.dataTransfer.setData('text/plain', item.dataset.bid)
  })

  document.addEventListener('dragover', function (event) {
    const item = bidAt(event.target)
    if (!item) {
      return
    }
    event.preventDefault()
    clearDropTargets()
    if (item !== draggedBid) {
      item.classList.add('bid-drop-target')
    }
  })

  document.addEventListener('drop', function (event) {
    const item = bidAt(event.target)
    const dragged = draggedBid
    if (!item || item === dragged) {
      return
    }
    event.preventDefault()
    const form = dragged.querySelector('form[hx-post]')
    const position = form && form.querySelector('input[name="position"]')
    const place = form && form.querySelector('button[value="place"]')
    if (position && place) {
      position.value = String(Array.from(item.parentNode.children).indexOf(item))
      place.click()
    }
  })

  document.addEventListener('dragend', function () {
    clearDropTargets()
    if (draggedBid) {
      draggedBid.classList.remove('bid-dragging')
    }
    draggedBid = null
  })

  document.addEventListener('change', function (event) {
    if (event.target.id === 'action_owner') {
      event.target.dataset.chosen = 'yes'
    }
  })

  // Saves

  // Forms whose change the server has not stored yet, by the form's key. `state` is
  // 'saving', 'queued' (waiting for the network) or 'failed'; `values` is what the person
  // chose, `issue` sends the form again, `inFlight` says a request of it is on its way and
  // `next` holds a change made meanwhile.
  const saves = new Map()
  // Keys of the forms waiting for the network, in the order they were changed.
  const waiting = []
  // Whether the waiting forms are being sent, one after another, now the network is back.
  let flushing = false
  // The form each request on its way was sent from, and what it saves.
  const requests = new WeakMap()
  // Changes to make again on forms the server has just redrawn, once htmx has settled them.
  const replays = []

  function inWork (element) {
    const area = document.getElementById('meeting-work')
    return Boolean(area && element && element.tagName === 'FORM' && area.contains(element))
  }

  // A form is known by where it posts and its hidden fields other than the revision (the
  // member, slot or action it is about), and its place among forms alike, so that it is found
  // again after the server redraws it.
  function identity (form) {
    const parts = [form.getAttribute('hx-post')]
    form.querySelectorAll('input[type=hidden]').forEach(function (input) {
      if (input.name !== 'revision' && input.name !== 'csrfmiddlewaretoken') {
        parts.push(input.name + '=' + input.value)
      }
    })
    return parts.join('&')
  }

  function pageForms () {
    return Array.from(document.querySelectorAll('#meeting-work form[hx-post]'))
  }

  function keyOf (form) {
    const alike = identity(form)
    const twins = pageForms().filter(function (other) { return identity(other) === alike })
    return alike + '#' + Math.max(0, twins.indexOf(form))
  }

  function formByKey (key) {
    return pageForms().find(function (form) { return keyOf(form) === key }) || null
  }

  function words (element) {
    return element ? element.textContent.replace(/\s+/g, ' ').trim() : ''
  }

  // What the change is: the choice made, shown beside the form (`short`, empty for a form
  // without one), and spoken with its context (`full`): "Late" and "Maya Patel: Late";
  // "" and "Start timer for Maya Patel".
  function describe (form, submitter) {
    const checked = form.querySelector('input[type=radio]:checked')
    const choice = checked ? words(form.querySelector('label[for="' + checked.id + '"]')) : ''
    const legend = form.querySelector('legend')
    if (form.querySelector('input[name=member]') && legend) {
      const name = legend.firstChild ? legend.firstChild.textContent.trim() : words(legend)
      return { short: choice, full: name + ': ' + (choice || gettext('attendance')) }
    }
    const button = submitter || form.querySelector('button[type=submit]:not([hidden])')
    const act = words(button) || gettext('This change')
    return { short: choice, full: choice ? act + ': ' + choice : act }
  }

  // What the person chose in a form, to be chosen again in its redrawn copy.
  function snapshot (form) {
    return Array.from(form.elements)
      .filter(function (field) { return field.name && field.type !== 'hidden' })
      .filter(function (field) { return !/^(radio|checkbox)$/.test(field.type) || field.checked })
      .map(function (field) { return [field.name, field.value] })
  }

  function reapply (form, values) {
    values.forEach(function (pair) {
      Array.from(form.elements).forEach(function (field) {
        if (field.name !== pair[0]) {
          return
        }
        if (/^(radio|checkbox)$/.test(field.type)) {
          field.checked = field.value === pair[1]
        } else {
          field.value = pair[1]
        }
      })
    })
  }

  // Forms that save themselves on each change, such as an attendance row.
  function savesOnChange (form) {
    return (form.getAttribute('hx-trigger') || '').includes('change')
  }

  // A redrawn copy can be sent with the same choices when what it does does not depend on
  // which button was pressed (a timer's start or stop does).
  function resendable (form) {
    return savesOnChange(form) || !form.querySelector('button[name]')
  }

  // Send a redrawn copy as the person would: by changing it, or by submitting it.
  function resend (form) {
    htmx.trigger(form, savesOnChange(form) ? 'change' : 'submit')
  }

  // Two regions, polite and assertive, outside the panels that are redrawn, so that every
  // change of state is heard once.
  function announce (urgent, message) {
    const id = urgent ? 'save-alerts' : 'save-news'
    let region = document.getElementById(id)
    if (!region) {
      region = document.createElement('div')
      region.id = id
      region.className = 'visually-hidden'
      region.setAttribute('aria-live', urgent ? 'assertive' : 'polite')
      region.setAttribute('aria-atomic', 'true')
      document.body.appendChild(region)
    }
    region.textContent = message
  }

  function statusOf (form) {
    let status = form.querySelector(':scope > [data-save-status]')
    if (!status) {
      status = document.createElement('p')
      status.className = 'save-status small mb-0'
      status.dataset.saveStatus = ''
      form.appendChild(status)
    }
    return status
  }

  // Show the state of a change on the form where it was made.
  function show (form, state, message, retry) {
    if (!form || !form.isConnected) {
      return
    }
    form.dataset.saveState = state
    const status = statusOf(form)
    status.textContent = message
    if (retry) {
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'btn btn-sm btn-outline-danger ms-2 py-1'
      button.textContent = gettext('Retry')
      button.addEventListener('click', retry)
      status.appendChild(button)
    }
  }

  const NOT_YET = gettext('Not saved yet: no connection. It is sent when the network returns.')

  function wait (key, save) {
    save.state = 'queued'
    if (!waiting.includes(key)) {
      waiting.push(key)
    }
    show(save.form, 'queued', NOT_YET)
    announce(false, interpolate(gettext('%(change)s: not saved yet, no connection.'), { change: save.what.full }, true))
  }

  function fail (key, save, reason) {
    save.state = 'failed'
    save.reason = reason
    show(save.form, 'failed', interpolate(gettext('Not saved: %(reason)s.'), { reason: reason }, true), function () { send(key) })
    announce(true, interpolate(gettext('%(change)s: not saved, %(reason)s.'), { change: save.what.full, reason: reason }, true))
  }

  function forget (key) {
    saves.delete(key)
    const index = waiting.indexOf(key)
    if (index >= 0) {
      waiting.splice(index, 1)
    }
  }

  // Send a change again: from its form, or from the form's redrawn copy.
  function send (key) {
    const save = saves.get(key)
    if (!save) {
      return
    }
    if (!navigator.onLine) {
      wait(key, save)
      return
    }
    if (!save.form.isConnected) {
      const copy = formByKey(key)
      if (!copy || !resendable(copy)) {
        forget(key)
        show(copy, 'refused', gettext('Not saved: this part of the page was redrawn before it could be sent. Make the change again.'))
        return
      }
      save.form = copy
      reapply(copy, save.values)
    }
    save.state = 'saving'
    show(save.form, 'saving', gettext('Saving…'))
    if (save.form === save.issuedFrom) {
      save.issue(true)
    } else {
      resend(save.form)
    }
  }

  // Now the network is back, the waiting changes go one after another, in the order they
  // were made, each at the revision its form is at by then.
  function sendNextWaiting () {
    while (flushing && waiting.length && !saves.has(waiting[0])) {
      waiting.shift()
    }
    if (!flushing || !waiting.length || !navigator.onLine) {
      flushing = false
      return
    }
    send(waiting[0])
  }

  window.addEventListener('online', function () {
    if (!flushing) {
      flushing = true
      sendNextWaiting()
    }
  })

  window.addEventListener('offline', function () {
    announce(true, gettext('No connection. Changes made now are kept on this page and sent when the network returns.'))
  })

  // Before each request: offline, the change waits in the page; online, it is saving. A
  // change to a row whose last change is still on its way waits for the answer, then is
  // made again on the row as the server redraws it, at the revision that answer brings.
  document.addEventListener('htmx:confirm', function (event) {
    const form = event.detail.elt
    if (!inWork(form)) {
      return
    }
    const key = keyOf(form)
    const triggering = event.detail.triggeringEvent
    const what = describe(form, triggering && triggering.submitter)
    const save = saves.get(key) || {}
    if (navigator.onLine && save.inFlight && savesOnChange(form)) {
      event.preventDefault()
      save.next = { values: snapshot(form), what: what }
      show(form, 'saving', gettext('Saving…'))
      return
    }
    save.form = form
    save.what = what
    save.values = snapshot(form)
    save.issue = event.detail.issueRequest
    save.issuedFrom = form
    saves.set(key, save)
    form.dataset.saveKey = key
    if (!navigator.onLine) {
      event.preventDefault()
      if (event.detail.question && !window.confirm(event.detail.question)) {
        forget(key)
        return
      }
      wait(key, save)
      return
    }
    if (!flushing || waiting[0] !== key) {
      // Made again while waiting: this change goes now and replaces the one that waited.
      const index = waiting.indexOf(key)
      if (index >= 0) {
        waiting.splice(index, 1)
      }
    }
    save.state = 'saving'
    show(form, 'saving', gettext('Saving…'))
  })

  document.addEventListener('htmx:beforeRequest', function (event) {
    const form = event.detail.elt
    const save = inWork(form) && saves.get(form.dataset.saveKey)
    if (save) {
      save.inFlight = true
      requests.set(event.detail.xhr, { key: form.dataset.saveKey, what: save.what })
    }
  })

  function reasonFor (status) {
    if (status === 0) {
      return gettext('the server could not be reached')
    }
    if (status === 503) {
      return gettext('the server was busy (error 503)')
    }
    if (status === 403 || status === 404) {
      return interpolate(gettext('this page is out of date; reload it (error %(status)s)'), { status: status }, true)
    }
    return interpolate(gettext('the server could not save it (error %(status)s)'), { status: status }, true)
  }

  const CONFLICT = gettext('someone else changed this meeting while this waited; check it and retry')

  // After each request: saved; refused or in conflict, with the panel redrawn from what the
  // server holds and the reason at its top; waiting for the network; or failed. When the
  // form was redrawn, htmx reports the end of its request on the nearest ancestor still in
  // the page, so the request is known by its XMLHttpRequest.
  document.addEventListener('htmx:afterRequest', function (event) {
    const xhr = event.detail.xhr
    const sent = requests.get(xhr)
    const key = sent && sent.key
    const save = key && saves.get(key)
    requests.delete(xhr)
    if (!save || save.state !== 'saving') {
      return
    }
    save.inFlight = false
    save.what = sent.what
    const next = save.next
    delete save.next
    const status = xhr ? xhr.status : 0
    const head = flushing && waiting[0] === key
    save.form = formByKey(key) || save.form
    if (status === 409) {
      forget(key)
      show(save.form, 'conflict', gettext('Not saved: someone else changed this meeting first. What is shown now is what is stored.'))
      announce(true, interpolate(gettext('%(change)s: not saved, someone else changed this meeting first.'), { change: save.what.full }, true))
      // What waited was decided before that change was seen: it is not sent over it.
      if (head) {
        flushing = false
        waiting.splice(0).forEach(function (other) {
          const held = saves.get(other)
          const copy = held && formByKey(other)
          if (copy && copy !== held.form && resendable(copy)) {
            reapply(copy, held.values)
            held.form = copy
            copy.dataset.saveKey = other
          }
          if (held) {
            fail(other, held, CONFLICT)
          }
        })
      }
    } else if (status === 400) {
      forget(key)
      show(save.form, 'refused', gettext('Not saved: the reason is at the top of this panel.'))
      announce(true, interpolate(gettext('%(change)s: not saved.'), { change: save.what.full }, true))
    } else if (event.detail.successful) {
      forget(key)
      if (next) {
        replays.push({ key: key, values: next.values })
      } else {
        show(save.form, 'saved', save.what.short ? interpolate(gettext('Saved: %(choice)s.'), { choice: save.what.short }, true) : gettext('Saved.'))
        announce(false, interpolate(gettext('%(change)s: saved.'), { change: save.what.full }, true))
      }
    } else {
      // Not redrawn: the form still holds the latest choice, which a retry sends.
      save.what = next ? next.what : save.what
      save.values = snapshot(save.form)
      if (status === 0 && !navigator.onLine) {
        flushing = false
        wait(key, save)
        return
      }
      if (head) {
        waiting.shift()
      }
      fail(key, save, reasonFor(status))
      window.setTimeout(sendNextWaiting, 0)
    }
  })

  // htmx reports a timeout just after the failed request: the reason is made precise.
  document.addEventListener('htmx:timeout', function (event) {
    const key = event.detail.elt.dataset && event.detail.elt.dataset.saveKey
    const save = key && saves.get(key)
    if (save && save.state === 'failed') {
      fail(key, save, gettext('the server did not answer in time'))
    }
  })

  // Once the server's answer is settled in the page (and htmx listens to what it redrew), a
  // change held for a redrawn row is made on it, and the next waiting change goes.
  document.addEventListener('htmx:afterSettle', function () {
    replays.splice(0).forEach(function (replay) {
      const copy = formByKey(replay.key)
      if (copy) {
        reapply(copy, replay.values)
        resend(copy)
      }
    })
    const head = waiting.length && saves.get(waiting[0])
    if (flushing && !(head && head.state === 'saving')) {
      sendNextWaiting()
    }
  })

  // Leaving with changes the server has not stored asks first.
  window.addEventListener('beforeunload', function (event) {
    if (saves.size) {
      event.preventDefault()
      event.returnValue = ''
    }
  })

  // A panel redrawn after another save replaces forms whose change is not stored: the copy
  // takes the choice made, still marked as not saved, or, where the copy cannot be sent the
  // same way, says to make the change again.
  function carryOver () {
    saves.forEach(function (save, key) {
      if (save.inFlight || save.form.isConnected) {
        return
      }
      const copy = formByKey(key)
      if (!copy || !resendable(copy)) {
        forget(key)
        show(copy, 'refused', save.what.short ? interpolate(gettext('Not saved: “%(choice)s” was not stored before this panel was redrawn. Make the change again.'), { choice: save.what.short }, true) : gettext('Not saved: this change was not stored before this panel was redrawn. Make the change again.'))
        announce(true, interpolate(gettext('%(change)s: not saved. Make the change again.'), { change: save.what.full }, true))
        return
      }
      reapply(copy, save.values)
      save.form = copy
      copy.dataset.saveKey = key
      if (save.state === 'queued') {
        show(copy, 'queued', NOT_YET)
      } else if (save.state === 'failed') {
        show(copy, 'failed', interpolate(gettext('Not saved: %(reason)s.'), { reason: save.reason }, true), function () { send(key) })
      } else {
        // Waiting behind another request when this panel was redrawn: htmx drops it.
        fail(key, save, gettext('this panel was redrawn before it was sent'))
      }
    })
  }

  // Panels jumped to start below the sticky bar (static/css/app.css), which wraps to more
  // rows on a narrow screen and grows while a presenter is on the clock.
  function measureBar () {
    const work = document.getElementById('meeting-work')
    const bar = work && work.querySelector('.meeting-bar')
    if (bar) {
      work.style.setProperty('--meeting-bar-height', (bar.offsetHeight + 8) + 'px')
    }
  }

  window.addEventListener('resize', measureBar)

  htmx.onLoad(function (content) {
    measureBar()
    readServerClock(content)
    hideNoScriptButtons(content)
    followPresenter()
    carryOver()
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
