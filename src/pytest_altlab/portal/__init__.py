"""The candidate portal: a web app giving each candidate a terminal in their own lab containers, nothing else."""
