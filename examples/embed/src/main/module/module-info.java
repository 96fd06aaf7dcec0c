/** An application that embeds simdnn: it needs the nn module alone (which brings the kernels module with it). */
module org.simdnn.example.embed {
    requires org.simdnn.nn;
}
