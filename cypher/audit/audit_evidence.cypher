// name: audit_evidence
// description: Locator, quote and source of the given Evidence resources, for citing the figures of a finding.
// params: $uris (list of strings): URIs of dkg:Evidence resources
// returns: uri, locator, quote, source, source_name
// mode: read
MATCH (e:Evidence)
WHERE e.uri IN $uris
OPTIONAL MATCH (e)-[:QUOTED_FROM]->(s)
RETURN e.uri AS uri, e.locator AS locator, e.quote AS quote, s.uri AS source, s.name AS source_name
ORDER BY uri
