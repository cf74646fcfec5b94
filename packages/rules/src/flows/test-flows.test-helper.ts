import type { FlowDocument } from './flow-document.js';

/** The docs' example: business hours, then a menu by digit or speech, then a transfer or voicemail. */
export const mainMenu: FlowDocument = {
  start: 'hours',
  variables: { greeting: 'Welcome to Acme' },
  nodes: {
    hours: { type: 'business_hours', schedule_id: 'sch_main', open: 'welcome', closed: 'after_hours' },
    welcome: { type: 'say', text: '{{greeting}}.', next: 'menu' },
    menu: {
      type: 'menu',
      prompt: { say: 'Press 1 or say sales. Press 2 or say billing.' },
      choices: [
        { digits: '1', phrases: ['sales'], next: 'sales' },
        { digits: '2', phrases: ['billing', 'accounts'], next: 'billing' },
      ],
      no_input: { say: 'Sorry, I did not hear you.' },
      no_match: { say: 'Sorry, that is not an option.' },
      max_attempts: 2,
      default: 'operator',
    },
    sales: { type: 'transfer', to: { type: 'sip_user', sip_user_id: 'usr_sales' }, failure: 'vm' },
    billing: { type: 'transfer', to: { type: 'number', number: '+35924000001' }, failure: 'vm' },
    operator: { type: 'transfer', to: { type: 'ring_group', ring_group_id: 'rg_ops' }, failure: 'vm' },
    after_hours: { type: 'say', text: 'We are closed.', next: 'vm' },
    vm: { type: 'voicemail', voicemail_box_id: 'vmb_main' },
  },
};
