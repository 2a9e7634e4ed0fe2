import { announce, h, replace } from '../../common/js/dom.js';
import { navigate } from '../../common/js/router.js';
import { errorBox, field, loading, pageHeading } from '../../common/js/ui.js';
import { api } from '../api.js';

/** Add an endpoint (no params) or edit one (params[0] is its id): URL, description, event types. */
export function endpointFormView(view, { params }) {
  const id = params[0];
  const url = h('input', { id: 'endpoint-url', type: 'url', required: true, 'data-autofocus': true });
  const description = h('input', { id: 'endpoint-description', type: 'text', maxlength: 500 });
  const eventTypes = h('input', { id: 'endpoint-event-types', type: 'text', spellcheck: 'false' });
  const error = h('div', { id: 'form-error' });
  const submit = h(
    'button',
    { type: 'submit', class: 'button primary' },
    id ? 'Save changes' : 'Add endpoint',
  );

  const onSubmit = async (event) => {
    event.preventDefault();
    replace(error);
    const types = eventTypes.value
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const body = {
      url: url.value.trim(),
      description: description.value,
      eventTypes: types.length ? types : null,
    };
    submit.disabled = true;
    try {
      const saved = await api(id ? 'PATCH' : 'POST', id ? `/v1/endpoints/${id}` : '/v1/endpoints', { body });
      announce(id ? 'Endpoint saved.' : 'Endpoint added.');
      navigate(`/endpoints/${saved.id}`);
    } catch (cause) {
      replace(
        error,
        errorBox(cause, id ? 'The endpoint could not be saved' : 'The endpoint could not be added'),
      );
      url.focus();
    } finally {
      submit.disabled = false;
    }
  };

  const form = h(
    'form',
    {
      class: 'card',
      onsubmit: onSubmit,
      novalidate: true,
      'aria-label': id ? 'Edit endpoint' : 'Add endpoint',
    },
    error,
    field('URL', url, 'Where webhooks are POSTed, e.g. https://example.com/webhooks'),
    field('Description', description),
    field(
      'Event types',
      eventTypes,
      'Comma-separated, e.g. orders.created, invoices.*; leave empty for all.',
    ),
    h(
      'div',
      { class: 'actions' },
      submit,
      h('a', { class: 'button secondary', href: id ? `#/endpoints/${id}` : '#/endpoints' }, 'Cancel'),
    ),
  );
  view.append(pageHeading(id ? 'Edit endpoint' : 'Add endpoint'), id ? loading('the endpoint') : form);
  if (!id) return;
  api('GET', `/v1/endpoints/${id}`)
    .then((endpoint) => {
      url.value = endpoint.url;
      description.value = endpoint.description;
      eventTypes.value = endpoint.eventTypes?.join(', ') ?? '';
      view.querySelector('.loading')?.replaceWith(form);
      url.focus();
    })
    .catch((cause) =>
      view.querySelector('.loading')?.replaceWith(errorBox(cause, 'The endpoint could not be loaded')),
    );
}
