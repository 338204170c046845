"""Training commands (``claimscope train ...``): they rebuild the small model files shipped in the
package from public annotated data, so that every shipped weight can be reproduced and audited.
Training needs scikit-learn; using the shipped files does not."""
