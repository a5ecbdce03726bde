/**
 * The portal's only script (GET /portal/static/portal.js, allowed by `script-src 'self'`): it shows the
 * copy buttons and makes them copy. Without it the values are plain selectable text and the pages
 * work the same.
 */
export const portalJs = String.raw`'use strict';
document.addEventListener('DOMContentLoaded', function () {
  if (!navigator.clipboard) return;
  // Screen readers hear that the copy worked; the button's own text change may not be announced.
  var status = document.querySelector('[data-copy-status]');
  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    var target = document.getElementById(button.getAttribute('data-copy'));
    if (!target) return;
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        button.textContent = 'Copied';
        if (status) status.textContent = 'Copied to the clipboard';
        button.setAttribute('data-copied', '');
        setTimeout(function () { button.textContent = label; button.removeAttribute('data-copied'); }, 2000);
      }, function () {
        button.textContent = 'Select and copy';
      });
    });
  });
});
`;
