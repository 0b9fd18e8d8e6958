// GOV.UK Frontend's JavaScript only improves pages that already work without it.
// A static module file, so the Content Security Policy can stay "script-src 'self'".
import { initAll } from '../govuk/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
