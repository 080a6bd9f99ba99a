import java.io.FileOutputStream;
import java.io.OutputStream;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.ModelFactory;
import org.apache.jena.rdf.model.Resource;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.topbraid.shacl.validation.ValidationUtil;

/**
 * Validates several data files against one shapes file with TopBraid SHACL, in one JVM (a JVM start and the
 * shapes' compilation cost seconds; the comparison runs a handful of corpora).
 *
 * Arguments: SHAPES BASE[,BASE...] DATA... Each DATA file is validated together with the BASE files (the
 * ontology and concepts, as our engines merge them) and its report is written next to it as DATA.report.nt.
 * N-Triples, not TopBraid's Turtle: Jena's Turtle writer prints an ill-formed numeric literal such as
 * "-"^^xsd:integer in its short form (a bare -), which no parser reads back.
 */
public final class TopBraidValidate {
  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: TopBraidValidate SHAPES BASE[,BASE...] DATA...");
      System.exit(2);
    }
    Model shapes = RDFDataMgr.loadModel(args[0]);
    Model base = ModelFactory.createDefaultModel();
    for (String file : args[1].split(",")) {
      RDFDataMgr.read(base, file);
    }
    for (int i = 2; i < args.length; i++) {
      Model data = ModelFactory.createDefaultModel();
      data.add(base);
      RDFDataMgr.read(data, args[i]);
      Resource report = ValidationUtil.validateModel(data, shapes, false);
      try (OutputStream out = new FileOutputStream(args[i] + ".report.nt")) {
        RDFDataMgr.write(out, report.getModel(), Lang.NTRIPLES);
      }
      System.out.println("VALIDATED " + args[i]);
    }
  }
}
