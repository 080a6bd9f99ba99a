// name: create_schema
// description: Constraints and indexes the loader creates, generated from ontology/diaspora.ttl by
//   `diaspora-kg schema --write-cypher` (do not edit by hand; a test checks it is in sync).
// params: none
// returns: nothing
// mode: write

CREATE CONSTRAINT resource_uri IF NOT EXISTS FOR (n:`Resource`) REQUIRE n.uri IS UNIQUE;
CREATE CONSTRAINT loaded_source_key IF NOT EXISTS FOR (n:`LoadedSource`) REQUIRE n.key IS UNIQUE;
CREATE FULLTEXT INDEX resource_names IF NOT EXISTS FOR (n:`Resource`) ON EACH [n.name, n.altNames] OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}};
CREATE INDEX resource_name IF NOT EXISTS FOR (n:`Resource`) ON (n.name);
CREATE POINT INDEX place_location IF NOT EXISTS FOR (n:`Place`) ON (n.location);
CREATE INDEX rel_uri_about IF NOT EXISTS FOR ()-[r:`ABOUT`]-() ON (r.uri);
CREATE INDEX rel_uri_adopts IF NOT EXISTS FOR ()-[r:`ADOPTS`]-() ON (r.uri);
CREATE INDEX rel_uri_advises IF NOT EXISTS FOR ()-[r:`ADVISES`]-() ON (r.uri);
CREATE INDEX rel_uri_appointed_by IF NOT EXISTS FOR ()-[r:`APPOINTED_BY`]-() ON (r.uri);
CREATE INDEX rel_uri_author IF NOT EXISTS FOR ()-[r:`AUTHOR`]-() ON (r.uri);
CREATE INDEX rel_uri_benefits IF NOT EXISTS FOR ()-[r:`BENEFITS`]-() ON (r.uri);
CREATE INDEX rel_uri_cites IF NOT EXISTS FOR ()-[r:`CITES`]-() ON (r.uri);
CREATE INDEX rel_uri_commissioned_by IF NOT EXISTS FOR ()-[r:`COMMISSIONED_BY`]-() ON (r.uri);
CREATE INDEX rel_uri_concerns IF NOT EXISTS FOR ()-[r:`CONCERNS`]-() ON (r.uri);
CREATE INDEX rel_uri_counterpart_of IF NOT EXISTS FOR ()-[r:`COUNTERPART_OF`]-() ON (r.uri);
CREATE INDEX rel_uri_co_runs IF NOT EXISTS FOR ()-[r:`CO_RUNS`]-() ON (r.uri);
CREATE INDEX rel_uri_created_by IF NOT EXISTS FOR ()-[r:`CREATED_BY`]-() ON (r.uri);
CREATE INDEX rel_uri_demands IF NOT EXISTS FOR ()-[r:`DEMANDS`]-() ON (r.uri);
CREATE INDEX rel_uri_elected_by IF NOT EXISTS FOR ()-[r:`ELECTED_BY`]-() ON (r.uri);
CREATE INDEX rel_uri_executive_arm_of IF NOT EXISTS FOR ()-[r:`EXECUTIVE_ARM_OF`]-() ON (r.uri);
CREATE INDEX rel_uri_formed_in_response_to IF NOT EXISTS FOR ()-[r:`FORMED_IN_RESPONSE_TO`]-() ON (r.uri);
CREATE INDEX rel_uri_framed_by IF NOT EXISTS FOR ()-[r:`FRAMED_BY`]-() ON (r.uri);
CREATE INDEX rel_uri_funds IF NOT EXISTS FOR ()-[r:`FUNDS`]-() ON (r.uri);
CREATE INDEX rel_uri_gazetteer_place IF NOT EXISTS FOR ()-[r:`GAZETTEER_PLACE`]-() ON (r.uri);
CREATE INDEX rel_uri_governs IF NOT EXISTS FOR ()-[r:`GOVERNS`]-() ON (r.uri);
CREATE INDEX rel_uri_has_rule IF NOT EXISTS FOR ()-[r:`HAS_RULE`]-() ON (r.uri);
CREATE INDEX rel_uri_heads IF NOT EXISTS FOR ()-[r:`HEADS`]-() ON (r.uri);
CREATE INDEX rel_uri_home_country IF NOT EXISTS FOR ()-[r:`HOME_COUNTRY`]-() ON (r.uri);
CREATE INDEX rel_uri_implements IF NOT EXISTS FOR ()-[r:`IMPLEMENTS`]-() ON (r.uri);
CREATE INDEX rel_uri_interviewee IF NOT EXISTS FOR ()-[r:`INTERVIEWEE`]-() ON (r.uri);
CREATE INDEX rel_uri_in_category IF NOT EXISTS FOR ()-[r:`IN_CATEGORY`]-() ON (r.uri);
CREATE INDEX rel_uri_in_dataset IF NOT EXISTS FOR ()-[r:`IN_DATASET`]-() ON (r.uri);
CREATE INDEX rel_uri_in_programme IF NOT EXISTS FOR ()-[r:`IN_PROGRAMME`]-() ON (r.uri);
CREATE INDEX rel_uri_jurisdiction IF NOT EXISTS FOR ()-[r:`JURISDICTION`]-() ON (r.uri);
CREATE INDEX rel_uri_lobbies IF NOT EXISTS FOR ()-[r:`LOBBIES`]-() ON (r.uri);
CREATE INDEX rel_uri_located_in IF NOT EXISTS FOR ()-[r:`LOCATED_IN`]-() ON (r.uri);
CREATE INDEX rel_uri_member_of IF NOT EXISTS FOR ()-[r:`MEMBER_OF`]-() ON (r.uri);
CREATE INDEX rel_uri_merged_into IF NOT EXISTS FOR ()-[r:`MERGED_INTO`]-() ON (r.uri);
CREATE INDEX rel_uri_mobilises IF NOT EXISTS FOR ()-[r:`MOBILISES`]-() ON (r.uri);
CREATE INDEX rel_uri_operates_in IF NOT EXISTS FOR ()-[r:`OPERATES_IN`]-() ON (r.uri);
CREATE INDEX rel_uri_organises IF NOT EXISTS FOR ()-[r:`ORGANISES`]-() ON (r.uri);
CREATE INDEX rel_uri_originates_from IF NOT EXISTS FOR ()-[r:`ORIGINATES_FROM`]-() ON (r.uri);
CREATE INDEX rel_uri_partners_with IF NOT EXISTS FOR ()-[r:`PARTNERS_WITH`]-() ON (r.uri);
CREATE INDEX rel_uri_part_of IF NOT EXISTS FOR ()-[r:`PART_OF`]-() ON (r.uri);
CREATE INDEX rel_uri_proposes IF NOT EXISTS FOR ()-[r:`PROPOSES`]-() ON (r.uri);
CREATE INDEX rel_uri_publishes IF NOT EXISTS FOR ()-[r:`PUBLISHES`]-() ON (r.uri);
CREATE INDEX rel_uri_quoted_from IF NOT EXISTS FOR ()-[r:`QUOTED_FROM`]-() ON (r.uri);
CREATE INDEX rel_uri_ref_area IF NOT EXISTS FOR ()-[r:`REF_AREA`]-() ON (r.uri);
CREATE INDEX rel_uri_registered_with IF NOT EXISTS FOR ()-[r:`REGISTERED_WITH`]-() ON (r.uri);
CREATE INDEX rel_uri_reported_by IF NOT EXISTS FOR ()-[r:`REPORTED_BY`]-() ON (r.uri);
CREATE INDEX rel_uri_restates IF NOT EXISTS FOR ()-[r:`RESTATES`]-() ON (r.uri);
CREATE INDEX rel_uri_runs IF NOT EXISTS FOR ()-[r:`RUNS`]-() ON (r.uri);
CREATE INDEX rel_uri_sub_organisation_of IF NOT EXISTS FOR ()-[r:`SUB_ORGANISATION_OF`]-() ON (r.uri);
CREATE INDEX rel_uri_succeeded_by IF NOT EXISTS FOR ()-[r:`SUCCEEDED_BY`]-() ON (r.uri);
CREATE INDEX rel_uri_supervises IF NOT EXISTS FOR ()-[r:`SUPERVISES`]-() ON (r.uri);
CREATE INDEX rel_uri_supports IF NOT EXISTS FOR ()-[r:`SUPPORTS`]-() ON (r.uri);
CREATE INDEX rel_uri_topic IF NOT EXISTS FOR ()-[r:`TOPIC`]-() ON (r.uri);
