// name: who_funds_what
// description: Who funds which project, programme, event or organisation: amount (in the stated currency and in
//   US$), share of the cost (a fraction, 0.25 = 25%), year and the programme the project belongs to. Amounts
//   and shares are null where the source gives none.
// params: $funder (string, optional, default null, folded): funder name, acronym or URI (accents and case ignored);
//   null for all
//   $recipient (string, optional, default null, folded): recipient name, acronym or URI; null for all
// returns: funder, recipient, recipient_kind, programme, amount_usd, amount, currency, share, year, in_kind,
//   description
// mode: read
// example: funder=IFAD
MATCH (funder)-[funding:FUNDS]->(recipient)
WHERE ($funder IS NULL OR funder.uri = $funder
       OR $funderKey IN funder.nameKeys)
  AND ($recipient IS NULL OR recipient.uri = $recipient
       OR $recipientKey IN recipient.nameKeys)
OPTIONAL MATCH (recipient)-[:IN_PROGRAMME]->(programme:Programme)
// Read the terms from a map: a key the corpus never uses (amount, currency) is then null without a warning.
WITH funder, recipient, programme, properties(funding) AS terms
RETURN funder.name AS funder,
       recipient.name AS recipient,
       [label IN labels(recipient) WHERE NOT label IN ['Resource', 'Agent', 'Organisation']] AS recipient_kind,
       programme.name AS programme,
       terms.amountUsd AS amount_usd,
       terms.amount AS amount,
       terms.currency AS currency,
       terms.share AS share,
       terms.year AS year,
       terms.inKind AS in_kind,
       terms.description AS description
ORDER BY recipient, funder
