// The official Stripe Node SDK, unchanged, against a live sandbox: configured as stripe-mock
// users configure it (host, port and protocol only: the sandbox's Stripe port answers Stripe's
// API at the root). Run by `make examples` (examples/run: PostgreSQL, the cluster's processes) with
//   STRIPE_HOST, STRIPE_PORT   the sandbox's Stripe port (127.0.0.1, 12111)
//   STRIPE_KEY, STRIPE_RATE_KEY  two API keys of one account (the second only for the limit)
// The sandbox must deliver webhooks (a task worker) to 127.0.0.1 (private URLs allowed).
import assert from 'node:assert/strict';
import {createServer} from 'node:http';
import {after, before, describe, test} from 'node:test';
import Stripe from 'stripe';

// Retries as applications run the SDK (a 429 that says Stripe-Should-Retry is retried), but
// none for the client that measures the limit itself.
const connect = (key, retries = 2) => new Stripe(key, {
  host: process.env.STRIPE_HOST || 'localhost', port: Number(process.env.STRIPE_PORT || 12111),
  protocol: 'http', maxNetworkRetries: retries,
});
const stripe = connect(process.env.STRIPE_KEY);

// A webhook receiver on 127.0.0.1: every event verified by constructEvent as it arrives.
const events = [];
let endpoint;
let receiver;
before(async () => {
  receiver = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      events.push(stripe.webhooks.constructEvent(
        Buffer.concat(chunks), request.headers['stripe-signature'], endpoint.secret));
      response.end('ok');
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  endpoint = await stripe.webhookEndpoints.create({
    url: `http://127.0.0.1:${receiver.address().port}/webhook`,
    enabled_events: ['charge.succeeded', 'charge.failed', 'setup_intent.succeeded'],
  });
});
after(async () => {
  await stripe.webhookEndpoints.del(endpoint.id);
  receiver.close();
});

async function delivered(type, objectId, seconds = 60) {
  for (const deadline = Date.now() + seconds * 1000; Date.now() < deadline;) {
    const found = events.find((e) => e.type === type && e.data.object.id === objectId);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`${type} for ${objectId} not delivered within ${seconds} s`);
}

describe('PaymentIntents', () => {
  test("the quickstart's call: automatic_payment_methods, kept as sent", async () => {
    const intent = await stripe.paymentIntents.create({
      amount: 1099, currency: 'usd', automatic_payment_methods: {enabled: true},
      capture_method: 'automatic_async', return_url: 'https://shop.example/return',
    });
    assert.equal(intent.status, 'requires_payment_method');
    assert.equal(intent.automatic_payment_methods.enabled, true);
    assert.equal(intent.capture_method, 'automatic_async');
    assert.match(intent.lastResponse.requestId, /^req_/);
  });

  test('a charge per attempt, latest_charge, charge.failed then charge.succeeded', async () => {
    const intent = await stripe.paymentIntents.create({amount: 2000, currency: 'usd'});
    await assert.rejects(
      stripe.paymentIntents.confirm(intent.id, {payment_method: 'pm_card_chargeDeclined'}),
      (error) => {
        assert.equal(error.type, 'StripeCardError');
        assert.equal(error.code, 'card_declined');
        assert.equal(error.raw.payment_intent.last_payment_error.payment_method.card.last4,
                     '0002');
        return true;
      });
    const paid = await stripe.paymentIntents.confirm(intent.id,
                                                     {payment_method: 'pm_card_visa'});
    assert.equal(paid.status, 'succeeded');
    const charges = await stripe.charges.list({payment_intent: intent.id});
    assert.deepEqual(charges.data.map((c) => c.status), ['succeeded', 'failed']);
    assert.equal(paid.latest_charge, charges.data[0].id);
    const [failed, succeeded] = charges.data.slice().reverse();
    assert.equal((await delivered('charge.failed', failed.id)).data.object.failure_code,
                 'card_declined');
    assert.equal((await delivered('charge.succeeded', succeeded.id)).data.object.amount, 2000);
  });
});

describe('expand', () => {
  test('every expandable field returns an object, on lists too', async () => {
    const customer = await stripe.customers.create({email: 'expand@example.com'});
    const intent = await stripe.paymentIntents.create({
      amount: 1500, currency: 'usd', customer: customer.id, payment_method: 'pm_card_visa',
      confirm: true, expand: ['customer', 'payment_method', 'latest_charge'],
    });
    assert.equal(intent.customer.email, 'expand@example.com');
    assert.equal(intent.payment_method.card.last4, '4242');
    assert.equal(intent.latest_charge.payment_intent, intent.id);
    const nested = await stripe.paymentIntents.retrieve(
      intent.id, {expand: ['latest_charge.payment_intent.customer']});
    assert.equal(nested.latest_charge.payment_intent.customer.id, customer.id);
    const refund = await stripe.refunds.create({payment_intent: intent.id, amount: 500,
                                                expand: ['payment_intent', 'charge']});
    assert.equal(refund.payment_intent.id, intent.id);
    assert.equal(refund.charge.id, intent.latest_charge.id);
    const list = await stripe.paymentIntents.list({customer: customer.id,
                                                   expand: ['data.customer']});
    assert.equal(list.data[0].customer.id, customer.id);
  });

  test('an unknown path is refused as Stripe refuses it', async () => {
    const intent = await stripe.paymentIntents.create({amount: 100, currency: 'usd'});
    await assert.rejects(stripe.paymentIntents.retrieve(intent.id, {expand: ['amount']}),
                         (error) => error.type === 'StripeInvalidRequestError' &&
                           error.statusCode === 400);
  });
});

describe('lists and search', () => {
  test('created[gte] and created[gt] filter every list', async () => {
    const customer = await stripe.customers.create({email: 'created@example.com'});
    const intent = await stripe.paymentIntents.create({
      amount: 700, currency: 'usd', customer: customer.id, payment_method: 'pm_card_visa',
      confirm: true});
    const refund = await stripe.refunds.create({payment_intent: intent.id});
    const lists = {
      customers: [stripe.customers, customer],
      paymentIntents: [stripe.paymentIntents, intent],
      refunds: [stripe.refunds, refund],
      charges: [stripe.charges, await stripe.charges.retrieve(intent.latest_charge)],
    };
    for (const [name, [resource, object]] of Object.entries(lists)) {
      const from = await resource.list({created: {gte: object.created}, limit: 100});
      assert.ok(from.data.some((o) => o.id === object.id), `${name}: gte keeps it`);
      const later = await resource.list({created: {gt: object.created}, limit: 100});
      assert.ok(!later.data.some((o) => o.id === object.id), `${name}: gt leaves it out`);
    }
    const since = await stripe.events.list({created: {gte: refund.created}, limit: 100});
    assert.ok(since.data.every((e) => e.created >= refund.created) && since.data.length > 0);
  });

  test('customers found by email and by metadata; intents by status and amount', async () => {
    const tag = `n${Date.now()}`;
    const customer = await stripe.customers.create({email: `${tag}@example.com`,
                                                    metadata: {order: tag}});
    const byEmail = await stripe.customers.search({query: `email:'${tag}@example.com'`});
    assert.equal(byEmail.object, 'search_result');
    assert.deepEqual(byEmail.data.map((c) => c.id), [customer.id]);
    const byMetadata = await stripe.customers.search({query: `metadata['order']:'${tag}'`});
    assert.deepEqual(byMetadata.data.map((c) => c.id), [customer.id]);
    const intent = await stripe.paymentIntents.create({amount: 4321, currency: 'usd',
                                                       customer: customer.id});
    const found = await stripe.paymentIntents.search({
      query: `status:'requires_payment_method' AND amount:4321 AND customer:'${customer.id}'`});
    assert.deepEqual(found.data.map((i) => i.id), [intent.id]);
  });
});

describe('saving a card and charging it later', () => {
  test('a SetupIntent attaches the card; charged off session it succeeds', async () => {
    const customer = await stripe.customers.create({email: 'saved@example.com'});
    const setup = await stripe.setupIntents.create({
      customer: customer.id, payment_method: 'pm_card_visa', confirm: true,
      usage: 'off_session'});
    assert.equal(setup.status, 'succeeded');
    await delivered('setup_intent.succeeded', setup.id);
    const saved = await stripe.customers.listPaymentMethods(customer.id);
    assert.deepEqual(saved.data.map((m) => m.id), [setup.payment_method]);
    const intent = await stripe.paymentIntents.create({
      amount: 1200, currency: 'usd', customer: customer.id,
      payment_method: setup.payment_method, off_session: true, confirm: true});
    assert.equal(intent.status, 'succeeded');
  });

  test('pm_card_authenticationRequired declines authentication_required off session',
       async () => {
    const customer = await stripe.customers.create({email: 'away@example.com'});
    const method = await stripe.paymentMethods.attach('pm_card_authenticationRequired',
                                                      {customer: customer.id});
    await assert.rejects(stripe.paymentIntents.create({
      amount: 1200, currency: 'usd', customer: customer.id, payment_method: method.id,
      off_session: true, confirm: true}), (error) => {
      assert.equal(error.code, 'authentication_required');
      assert.equal(error.raw.payment_intent.status, 'requires_payment_method');
      return true;
    });
  });
});

describe("Stripe's test-mode rate limit", () => {
  test('25 writes within a second pass, the 26th is 429 with Stripe-Should-Retry',
       async () => {
    const limited = connect(process.env.STRIPE_RATE_KEY, 0);
    // Start at the beginning of a second, so that all 26 fall in one.
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
    const started = Date.now();
    const results = await Promise.allSettled(Array.from(
      {length: 26}, () => limited.customers.create({description: 'burst'})));
    assert.ok(Date.now() - started < 950, 'the burst fit in one second');
    const refused = results.filter((r) => r.status === 'rejected');
    assert.equal(refused.length, 1);
    const [{reason}] = refused;
    assert.equal(reason.type, 'StripeRateLimitError');
    assert.equal(reason.statusCode, 429);
    assert.equal(reason.headers['stripe-should-retry'], 'true');
  });
});
