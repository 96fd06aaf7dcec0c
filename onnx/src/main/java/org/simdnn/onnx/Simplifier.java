package org.simdnn.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shape-independent load-time rewrites of the {@link Graph}: Identity and Dropout (inference) removed, and
 * BatchNormalization folded into the Conv or Gemm that feeds it when nothing else reads that op's output
 * (weights scaled per output channel, bias adjusted). Steps that need shapes (layout, epilogue fusion) are
 * the {@link Planner}'s.
 */
final class Simplifier {
    private Simplifier() {}

    static Graph simplify(Graph g) {
        return foldBatchNorms(removeIdentities(g));
    }

    /** Consumers of each value name, plus one for each graph output. */
    static Map<String, Integer> useCounts(List<Node> nodes, List<ValueInfo> outputs) {
        Map<String, Integer> uses = new HashMap<>();
        for (Node n : nodes) for (String in : n.inputs()) if (!in.isEmpty()) uses.merge(in, 1, Integer::sum);
        for (ValueInfo o : outputs) uses.merge(o.name(), 1, Integer::sum);
        return uses;
    }

    static Graph removeIdentities(Graph g) {
        Set<String> graphOutputs = new HashSet<>();
        for (ValueInfo o : g.outputs()) graphOutputs.add(o.name());
        Map<String, String> rename = new HashMap<>();
        List<Node> kept = new ArrayList<>();
        for (Node n : g.nodes()) {
            Node r = n.withInputs(n.inputs().stream().map(i -> rename.getOrDefault(i, i)).toList(), null);
            boolean passThrough = r.op().equals("Identity") || r.op().equals("Dropout") && dropoutIsIdentity(r, g);
            String out = r.outputs().isEmpty() ? "" : r.outputs().get(0);
            if (passThrough && !graphOutputs.contains(out) && (r.outputs().size() == 1 || r.outputs().get(1).isEmpty())) {
                rename.put(out, r.input(0));
            } else {
                kept.add(r);
            }
        }
        return g.withNodes(kept, g.constants());
    }

    /** Dropout is the identity unless a constant training_mode input says true. */
    private static boolean dropoutIsIdentity(Node n, Graph g) {
        if (!n.hasInput(2)) return true;
        Const t = g.constants().get(n.input(2));
        return t != null && t.size() == 1 && t.asLongs()[0] == 0;
    }

    static Graph foldBatchNorms(Graph g) {
        Map<String, Integer> uses = useCounts(g.nodes(), g.outputs());
        Map<String, Integer> producer = new HashMap<>();
        List<Node> nodes = new ArrayList<>(g.nodes());
        for (int i = 0; i < nodes.size(); i++) for (String o : nodes.get(i).outputs()) producer.put(o, i);
        Map<String, Const> constants = new HashMap<>(g.constants());
        boolean[] removed = new boolean[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            Node bn = nodes.get(i);
            if (!bn.op().equals("BatchNormalization") || bn.outputs().size() > 1 && !bn.outputs().get(1).isEmpty()) continue;
            if (bn.attrs().getInt("training_mode", 0) != 0) continue;
            Integer pi = producer.get(bn.input(0));
            if (pi == null || uses.getOrDefault(bn.input(0), 0) != 1) continue;
            Node p = nodes.get(pi);
            Const scale = constants.get(bn.input(1)), shift = constants.get(bn.input(2)),
                    mean = constants.get(bn.input(3)), var = constants.get(bn.input(4));
            if (scale == null || shift == null || mean == null || var == null || !scale.isFloat() || !shift.isFloat()
                    || !mean.isFloat() || !var.isFloat()) continue;
            int ch = scale.size();
            if (shift.size() != ch || mean.size() != ch || var.size() != ch) continue;
            float eps = bn.attrs().getFloat("epsilon", 1e-5f);
            float[] s = new float[ch], t = new float[ch];
            for (int c = 0; c < ch; c++) {
                s[c] = (float) (scale.floats()[c] / Math.sqrt((double) var.floats()[c] + eps));
                t[c] = shift.floats()[c] - mean.floats()[c] * s[c];
            }
            Node folded = switch (p.op()) {
                case "Conv" -> foldIntoConv(p, s, t, constants);
                case "Gemm" -> foldIntoGemm(p, s, t, constants);
                default -> null;
            };
            if (folded == null) continue;
            nodes.set(pi, folded.withOutputs(List.of(bn.outputs().get(0)), "folded BatchNormalization '" + bn.name() + "'"));
            removed[i] = true;
        }
        List<Node> kept = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) if (!removed[i]) kept.add(nodes.get(i));
        return g.withNodes(kept, constants);
    }

    /** W'[o] = W[o] s[o], b'[o] = b[o] s[o] + t[o]; null when the weights are not constant or do not match. */
    private static Node foldIntoConv(Node conv, float[] s, float[] t, Map<String, Const> constants) {
        Const w = constants.get(conv.input(1));
        Const b = conv.hasInput(2) ? constants.get(conv.input(2)) : null;
        if (w == null || !w.isFloat() || w.rank() < 3 || w.shape()[0] != s.length || conv.hasInput(2) && (b == null || !b.isFloat() || b.size() != s.length)) {
            return null;
        }
        int per = w.size() / s.length;
        float[] nw = new float[w.size()], nb = new float[s.length];
        for (int o = 0; o < s.length; o++) {
            for (int j = 0; j < per; j++) nw[o * per + j] = w.floats()[o * per + j] * s[o];
            nb[o] = (b == null ? 0 : b.floats()[o]) * s[o] + t[o];
        }
        String wn = fresh(conv.name() + ".weight_bn", constants), bn = fresh(conv.name() + ".bias_bn", constants);
        constants.put(wn, Const.ofFloats(w.shape(), nw));
        constants.put(bn, Const.ofFloats(new int[] {s.length}, nb));
        return conv.withInputs(List.of(conv.input(0), wn, bn), null);
    }

    /** Scales the output columns of B (rows when transB) and C; null when not constant or not matching. */
    private static Node foldIntoGemm(Node gemm, float[] s, float[] t, Map<String, Const> constants) {
        Const b = constants.get(gemm.input(1));
        Const c = gemm.hasInput(2) ? constants.get(gemm.input(2)) : null;
        boolean transB = gemm.attrs().getInt("transB", 0) != 0;
        if (b == null || !b.isFloat() || b.rank() != 2 || gemm.hasInput(2) && (c == null || !c.isFloat())) return null;
        int n = transB ? b.shape()[0] : b.shape()[1], k = transB ? b.shape()[1] : b.shape()[0];
        if (n != s.length || c != null && !(c.size() == n && c.shape()[c.rank() - 1] == n || c.size() == 1)) return null;
        float beta = gemm.attrs().getFloat("beta", 1f);
        float[] nb = new float[b.size()], nc = new float[n];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < n; j++) {
                int at = transB ? j * k + i : i * n + j;
                nb[at] = b.floats()[at] * s[j];
            }
        }
        for (int j = 0; j < n; j++) {
            float cj = c == null ? 0 : c.floats()[c.size() == 1 ? 0 : j];
            nc[j] = beta * cj * s[j] + t[j];
        }
        String bn = fresh(gemm.name() + ".weight_bn", constants), cn = fresh(gemm.name() + ".bias_bn", constants);
        constants.put(bn, Const.ofFloats(b.shape(), nb));
        constants.put(cn, Const.ofFloats(new int[] {n}, nc));
        Map<String, org.simdnn.onnx.proto.OnnxProto.AttributeProto> attrs = new HashMap<>();
        for (String a : gemm.attrs().names()) if (!a.equals("beta")) attrs.put(a, gemm.attrs().raw(a));
        return new Node(gemm.op(), gemm.name(), List.of(gemm.input(0), bn, cn), gemm.outputs(),
                new Attrs(attrs, gemm.where()), gemm.note());
    }

    private static String fresh(String base, Map<String, Const> taken) {
        String n = base;
        for (int i = 1; taken.containsKey(n); i++) n = base + i;
        return n;
    }
}
