// The embed test page's script (public/embed-test.html): frames a Stepscope link in embed mode, collects the
// messages it posts (window.embedMessages, for e2e/embed.e2e.ts) and sends it commands. Written as a host page
// should be: messages are accepted only from the figure's own window, and commands go to the figure's origin.
(function () {
  'use strict';
  var frame = document.getElementById('figure');
  var log = document.getElementById('log');
  var problem = document.getElementById('problem');
  var messages = [];
  window.embedMessages = messages;

  var requested = new URLSearchParams(window.location.search).get('src') || './?lab=pde&embed=1';
  var src;
  try {
    src = new URL(requested, window.location.href);
    if (src.protocol !== 'http:' && src.protocol !== 'https:') throw new Error('src: ' + JSON.stringify(requested) + ' is not an http(s) link');
  } catch (error) {
    problem.hidden = false;
    problem.textContent = (error && error.message ? error.message : String(error)) + '; the default PDE figure is shown';
    src = new URL('./?lab=pde&embed=1', window.location.href);
  }
  if (!src.searchParams.has('embed')) src.searchParams.set('embed', '1');
  frame.src = src.toString();

  window.addEventListener('message', function (event) {
    if (event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || data.source !== 'stepscope') return;
    messages.push(data);
    var item = document.createElement('li');
    item.textContent = JSON.stringify(data);
    log.appendChild(item);
    while (log.children.length > 200) log.removeChild(log.firstChild);
  });

  /** sends a command (or, for tests, any message) to the figure, addressed to its origin only */
  window.sendToFigure = function (message) {
    frame.contentWindow.postMessage(message, src.origin);
  };
  document.querySelectorAll('[data-command]').forEach(function (button) {
    button.addEventListener('click', function () {
      window.sendToFigure({ source: 'stepscope-host', type: button.getAttribute('data-command') });
    });
  });
})();
