// GOV.UK Frontend's JavaScript only improves pages that already work without it.
// A static module file, so the Content Security Policy can stay "script-src 'self'".
import { initAll } from '../govuk/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()

// Filters behind a "Filters" button on small screens (GOV.UK's tablet breakpoint, 641px).
// Without JavaScript the button stays hidden and the filters are shown, after a
// "Skip to results" link.
const small = window.matchMedia('(max-width: 40.0525em)')
for (const button of document.querySelectorAll('.noshub-filters-toggle')) {
  const panel = document.getElementById(button.getAttribute('aria-controls'))
  if (!panel) continue
  const show = () => {
    button.hidden = !small.matches
    panel.hidden = small.matches && button.getAttribute('aria-expanded') !== 'true'
    document.body.classList.toggle('noshub-filters-enhanced', small.matches)
  }
  button.addEventListener('click', () => {
    button.setAttribute('aria-expanded', button.getAttribute('aria-expanded') === 'true' ? 'false' : 'true')
    show()
  })
  small.addEventListener('change', show)
  show()
}
