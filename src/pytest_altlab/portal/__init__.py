"""The candidate portal: a web app that gives each candidate a terminal in their own lab containers, and nothing else."""
