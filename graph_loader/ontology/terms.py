"""Terms of the diaspora-kg ontology as Python names.

GENERATED from ontology/diaspora.ttl by ``python -m graph_loader.ontology.generate``: do not edit by hand.
A misspelt term raises AttributeError instead of silently minting a new IRI.

>>> DKG.memberOf
rdflib.term.URIRef('https://w3id.org/diaspora-kg/ontology#memberOf')
>>> DKGID['org/fisdl']
rdflib.term.URIRef('https://w3id.org/diaspora-kg/id/org/fisdl')
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

#: The ontology's namespace: the one place it is written (the generator checks it against the ontology IRI).
DKG_NS = "https://w3id.org/diaspora-kg/ontology#"
#: Where the seed corpus and gazetteer mint their resources' IRIs.
DKGID_NS = "https://w3id.org/diaspora-kg/id/"


class DKG(DefinedNamespace):
    """Classes, properties and annotation properties of ``dkg:`` (<https://w3id.org/diaspora-kg/ontology#>)."""

    _fail = True
    _NS = Namespace(DKG_NS)

    # Classes
    AdministrativeArea: URIRef  # Administrative area
    AdvocacyTopic: URIRef  # Advocacy topic
    Agent: URIRef  # Agent
    Agreement: URIRef  # Agreement
    Board: URIRef  # Board
    Business: URIRef  # Business
    City: URIRef  # City
    Collective: URIRef  # Collective
    Consulate: URIRef  # Consulate
    Contribution: URIRef  # Contribution
    Country: URIRef  # Country
    County: URIRef  # County
    Demand: URIRef  # Demand
    Department: URIRef  # Department
    DevelopmentProgramme: URIRef  # Development programme
    DiasporaOrganisation: URIRef  # Diaspora organisation
    District: URIRef  # District
    Embassy: URIRef  # Embassy
    Event: URIRef  # Event
    Evidence: URIRef  # Evidence
    Federation: URIRef  # Federation of hometown associations
    FinancialInstitution: URIRef  # Financial institution
    Government: URIRef  # Government
    GovernmentAgency: URIRef  # Government agency
    HomeCommunityCommittee: URIRef  # Home community committee
    HometownAssociation: URIRef  # Hometown association
    InternationalOrganisation: URIRef  # International organisation
    Interview: URIRef  # Interview
    InvestmentProgramme: URIRef  # Investment programme
    Law: URIRef  # Law
    Lobbying: URIRef  # Lobbying
    Locality: URIRef  # Locality
    MatchingFundProgramme: URIRef  # Matching-fund programme
    Membership: URIRef  # Membership
    Ministry: URIRef  # Ministry
    Mobilisation: URIRef  # Mobilisation
    MunicipalGovernment: URIRef  # Municipal government
    Municipality: URIRef  # Municipality
    NGO: URIRef  # Non-governmental organisation
    NationalGovernment: URIRef  # National government
    Observation: URIRef  # Observation
    Organisation: URIRef  # Organisation
    OutreachProgramme: URIRef  # Outreach programme
    PartnerOrganisation: URIRef  # Partner organisation
    Person: URIRef  # Person
    Place: URIRef  # Place
    Policy: URIRef  # Policy
    PolicyTopic: URIRef  # Policy topic
    Programme: URIRef  # Programme
    ProgrammeRule: URIRef  # Programme rule
    Project: URIRef  # Project
    ProjectCategory: URIRef  # Project category
    PublicBody: URIRef  # Public body
    Publication: URIRef  # Publication
    Registration: URIRef  # Registration
    ReligiousOrganisation: URIRef  # Religious organisation
    ResearchInstitute: URIRef  # Research institute
    Source: URIRef  # Source
    State: URIRef  # State
    StateGovernment: URIRef  # State government
    StatisticalTable: URIRef  # Statistical table
    UmbrellaGroup: URIRef  # Umbrella group
    WorldRegion: URIRef  # World region

    # Object properties
    about: URIRef  # about
    actor: URIRef  # actor
    adopts: URIRef  # adopts
    advises: URIRef  # advises
    appointedBy: URIRef  # appointed by
    author: URIRef  # author
    beneficiary: URIRef  # beneficiary
    category: URIRef  # category
    cites: URIRef  # cites
    coRuns: URIRef  # co-runs
    commissionedBy: URIRef  # commissioned by
    concerns: URIRef  # concerns
    contributor: URIRef  # contributor
    counterpartOf: URIRef  # counterpart of
    createdBy: URIRef  # created by
    dataSet: URIRef  # data set
    electedBy: URIRef  # elected by
    evidence: URIRef  # evidence
    executiveArmOf: URIRef  # executive arm of
    formedInResponseTo: URIRef  # formed in response to
    framedBy: URIRef  # framed by
    funds: URIRef  # funds
    gazetteerPlace: URIRef  # gazetteer place
    governs: URIRef  # governs
    hasRule: URIRef  # has rule
    heads: URIRef  # heads
    homeCountry: URIRef  # home country
    implements: URIRef  # implements
    inProgramme: URIRef  # in programme
    interviewee: URIRef  # interviewee
    jurisdiction: URIRef  # jurisdiction
    locatedIn: URIRef  # located in
    member: URIRef  # member
    memberOf: URIRef  # member of
    mergedInto: URIRef  # merged into
    operatesIn: URIRef  # operates in
    organisation: URIRef  # organisation
    organises: URIRef  # organises
    originatesFrom: URIRef  # originates from
    partOf: URIRef  # part of
    partnersWith: URIRef  # partners with
    proposes: URIRef  # proposes
    publishes: URIRef  # publishes
    recipient: URIRef  # recipient
    refArea: URIRef  # reference area
    registrant: URIRef  # registrant
    registrar: URIRef  # registrar
    reportedBy: URIRef  # reported by
    restates: URIRef  # restates
    runs: URIRef  # runs
    source: URIRef  # source
    subOrganisationOf: URIRef  # sub-organisation of
    succeededBy: URIRef  # succeeded by
    supervises: URIRef  # supervises
    supports: URIRef  # supports
    target: URIRef  # target
    topic: URIRef  # topic

    # Datatype properties
    acronym: URIRef  # acronym
    amount: URIRef  # amount
    amountUsd: URIRef  # amount (US$)
    approximation: URIRef  # approximation
    attendance: URIRef  # attendance
    averageCostUsd: URIRef  # average cost per project (US$)
    bibliographicCitation: URIRef  # bibliographic citation
    conformsToMunicipalPlan: URIRef  # conforms to the municipal plan
    constrainsMeasure: URIRef  # constrains measure
    currency: URIRef  # currency
    description: URIRef  # description
    endYear: URIRef  # end year
    fipsCode: URIRef  # FIPS code
    foundedYear: URIRef  # founded year
    geonamesId: URIRef  # GeoNames id
    governmentFundsUsd: URIRef  # government funds (US$)
    governmentLevel: URIRef  # government level
    governmentSharePercent: URIRef  # government share (%)
    homepage: URIRef  # homepage
    htaDonationUsd: URIRef  # HTA donation (US$)
    htaSharePercent: URIRef  # HTA share (%)
    inKind: URIRef  # in kind
    inegiCode: URIRef  # INEGI code
    isTotal: URIRef  # is total
    isoCode: URIRef  # ISO code
    locator: URIRef  # locator
    maximumValue: URIRef  # maximum value
    measure: URIRef  # measure
    memberCount: URIRef  # member count
    minimumValue: URIRef  # minimum value
    municipalityCount: URIRef  # number of municipalities
    note: URIRef  # note
    peopleBenefited: URIRef  # people benefited
    population: URIRef  # population
    projectCount: URIRef  # number of projects
    publicationDate: URIRef  # publication date
    quantity: URIRef  # quantity
    quote: URIRef  # quote
    refYear: URIRef  # reference year
    registrationNumber: URIRef  # registration number
    role: URIRef  # role
    rowIndex: URIRef  # row index
    rowLabel: URIRef  # row label
    ruleLabel: URIRef  # rule label
    ruleText: URIRef  # rule text
    share: URIRef  # share
    solvent: URIRef  # solvent
    startYear: URIRef  # start year
    stipend: URIRef  # stipend
    title: URIRef  # title
    totalCostUsd: URIRef  # total cost (US$)
    unit: URIRef  # unit
    unnamed: URIRef  # unnamed
    url: URIRef  # URL
    validFrom: URIRef  # valid from
    validUntil: URIRef  # valid until
    value: URIRef  # value
    year: URIRef  # year

    # Annotation properties (Neo4j mapping and styles)
    asRelationship: URIRef  # stored as a relationship
    neo4jLabel: URIRef  # Neo4j label
    neo4jStoreAs: URIRef  # Neo4j storage
    neo4jType: URIRef  # Neo4j relationship type
    relationshipSource: URIRef  # relationship source
    relationshipTarget: URIRef  # relationship target
    vizColor: URIRef  # visualisation colour
    vizShape: URIRef  # visualisation shape


class REL:
    """Neo4j relationship types of the ontology (``REL.MEMBER_OF == "MEMBER_OF"``): what code names a type by.

    Object properties stored as relationships and n-ary classes (:mod:`graph_loader.ontology.schema`); a
    misspelt type raises AttributeError.
    """

    ABOUT = "ABOUT"  # about
    ADOPTS = "ADOPTS"  # adopts
    ADVISES = "ADVISES"  # advises
    APPOINTED_BY = "APPOINTED_BY"  # appointed by
    AUTHOR = "AUTHOR"  # author
    BENEFITS = "BENEFITS"  # beneficiary
    CITES = "CITES"  # cites
    COMMISSIONED_BY = "COMMISSIONED_BY"  # commissioned by
    CONCERNS = "CONCERNS"  # concerns
    COUNTERPART_OF = "COUNTERPART_OF"  # counterpart of
    CO_RUNS = "CO_RUNS"  # co-runs
    CREATED_BY = "CREATED_BY"  # created by
    DEMANDS = "DEMANDS"  # Demand
    ELECTED_BY = "ELECTED_BY"  # elected by
    EXECUTIVE_ARM_OF = "EXECUTIVE_ARM_OF"  # executive arm of
    FORMED_IN_RESPONSE_TO = "FORMED_IN_RESPONSE_TO"  # formed in response to
    FRAMED_BY = "FRAMED_BY"  # framed by
    FUNDS = "FUNDS"  # Contribution
    GAZETTEER_PLACE = "GAZETTEER_PLACE"  # gazetteer place
    GOVERNS = "GOVERNS"  # governs
    HAS_RULE = "HAS_RULE"  # has rule
    HEADS = "HEADS"  # heads
    HOME_COUNTRY = "HOME_COUNTRY"  # home country
    IMPLEMENTS = "IMPLEMENTS"  # implements
    INTERVIEWEE = "INTERVIEWEE"  # interviewee
    IN_CATEGORY = "IN_CATEGORY"  # category
    IN_DATASET = "IN_DATASET"  # data set
    IN_PROGRAMME = "IN_PROGRAMME"  # in programme
    JURISDICTION = "JURISDICTION"  # jurisdiction
    LOBBIES = "LOBBIES"  # Lobbying
    LOCATED_IN = "LOCATED_IN"  # located in
    MEMBER_OF = "MEMBER_OF"  # Membership
    MERGED_INTO = "MERGED_INTO"  # merged into
    MOBILISES = "MOBILISES"  # Mobilisation
    OPERATES_IN = "OPERATES_IN"  # operates in
    ORGANISES = "ORGANISES"  # organises
    ORIGINATES_FROM = "ORIGINATES_FROM"  # originates from
    PARTNERS_WITH = "PARTNERS_WITH"  # partners with
    PART_OF = "PART_OF"  # part of
    PROPOSES = "PROPOSES"  # proposes
    PUBLISHES = "PUBLISHES"  # publishes
    QUOTED_FROM = "QUOTED_FROM"  # source
    REF_AREA = "REF_AREA"  # reference area
    REGISTERED_WITH = "REGISTERED_WITH"  # Registration
    REPORTED_BY = "REPORTED_BY"  # reported by
    RESTATES = "RESTATES"  # restates
    RUNS = "RUNS"  # runs
    SUB_ORGANISATION_OF = "SUB_ORGANISATION_OF"  # sub-organisation of
    SUCCEEDED_BY = "SUCCEEDED_BY"  # succeeded by
    SUPERVISES = "SUPERVISES"  # supervises
    SUPPORTS = "SUPPORTS"  # supports
    TOPIC = "TOPIC"  # topic


DKGID = Namespace(DKGID_NS)
"""Resources of the seed corpus and gazetteer, e.g. ``DKGID["place/SV-CU"]``."""
